using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PyPyLeads.BrowserTests;

/// <summary>The first job users come for: logging a contact in a hallway, on a phone.</summary>
public sealed class LogContactJourneyTests(Browser browser) : IClassFixture<Browser>, IDisposable
{
    // Thursday 3 March 2011, 18:30 Pacific: the Yelp talk is on.
    private readonly LeadsApp _app = new LeadsApp().With("Clock:StartsAt", "2011-03-03T18:30:00-08:00").OnLoopback();

    [ChromiumFact]
    public async Task Log_two_people_at_the_Yelp_talk_one_typed_as_yelp_inc_and_see_one_company_with_both_on_the_timeline()
    {
        var page = await browser.NewPageAsync(_app.ServerAddress);
        await Pages.SetUpFirstAdminAsync(page);
        await page.WaitForURLAsync(new Regex("/$"));

        // "Log a contact" is first in the menu.
        await Pages.OpenMenuAsync(page);
        await Expect(page.Locator("#main-nav .nav-link").First).ToHaveTextAsync("Log a contact");
        await page.Locator("#main-nav .nav-link").First.ClickAsync();
        await page.WaitForURLAsync("**/log-contact");
        await Expect(page.GetByLabel("Where we met")).ToHaveValueAsync("2"); // the Yelp talk, by the app clock
        await Pages.AssertFitsTheScreenAsync(page);

        await page.GetByLabel("Company name").FillAsync("Yelp");
        await page.GetByLabel("Web domain").FillAsync("yelp.com");
        await page.GetByLabel("Their name").FillAsync("Maciej Fijałkowski");
        await page.GetByLabel("Role").FillAsync("Engineer");
        await page.Locator("label[for=interest-Consulting]").ClickAsync();
        await page.GetByLabel("Note", new() { Exact = true }).FillAsync("Wants the JIT for their search backend.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the contact", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/companies/\\d+$"));
        await Expect(page.GetByTestId("flash")).ToContainTextAsync("Logged: met Maciej Fijałkowski (Engineer), new contact at the Yelp talk.");
        var companyUrl = page.Url;

        // The second person, the company typed another way: the form shows the match and offers it.
        await page.GotoAsync("/log-contact");
        await page.GetByLabel("Company name").FillAsync("yelp, inc.");
        await page.GetByLabel("Their name").FillAsync("Jacob Hallén");
        await page.Locator("label[for=interest-Hiring]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the contact", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("company-match")).ToContainTextAsync("Yelp");
        await Expect(page.Locator("[data-valmsg-for=CompanyName]")).ToContainTextAsync("“Yelp” is already here (same name)");
        await Pages.AssertFitsTheScreenAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use Yelp and save" }).ClickAsync();
        await page.WaitForURLAsync(companyUrl);

        await Expect(page.GetByTestId("company-name")).ToHaveTextAsync("Yelp");
        await Expect(page.GetByTestId("person")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("people")).ToContainTextAsync("Maciej Fijałkowski");
        await Expect(page.GetByTestId("people")).ToContainTextAsync("Jacob Hallén");
        var encounters = page.Locator("[data-testid=timeline-entry][data-kind=encounter]");
        await Expect(encounters).ToHaveCountAsync(2);
        await Expect(encounters.First).ToContainTextAsync("Met Jacob Hallén, new contact, at the Yelp talk");
        await Expect(encounters.Nth(1)).ToContainTextAsync("Met Maciej Fijałkowski (Engineer), new contact, at the Yelp talk");
        await Pages.AssertFitsTheScreenAsync(page);

        await page.GotoAsync("/companies");
        await Expect(page.GetByTestId("company-row")).ToHaveCountAsync(1);
        await Pages.AssertFitsTheScreenAsync(page);
    }

    [ChromiumFact]
    public async Task The_type_ahead_offers_the_existing_company_and_choosing_it_saves_there_directly()
    {
        var page = await browser.NewPageAsync(_app.ServerAddress);
        await Pages.SetUpFirstAdminAsync(page);
        await page.WaitForURLAsync(new Regex("/$"));
        await page.GotoAsync("/log-contact");
        await page.GetByLabel("Company name").FillAsync("Mozilla Corporation");
        await page.GetByLabel("Their name").FillAsync("Jane Doe");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the contact", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/companies/\\d+$"));
        var companyUrl = page.Url;

        await page.GotoAsync("/log-contact");
        await page.GetByLabel("Company name").PressSequentiallyAsync("mozil");
        var suggestion = page.GetByTestId("company-suggestion");
        await Expect(suggestion).ToHaveCountAsync(1);
        await Expect(suggestion).ToContainTextAsync("Mozilla Corporation");
        await Pages.AssertFitsTheScreenAsync(page);
        await suggestion.ClickAsync();
        await Expect(page.GetByLabel("Company name")).ToHaveValueAsync("Mozilla Corporation");
        await Expect(page.GetByTestId("chosen-company")).ToContainTextAsync("Existing company: Mozilla Corporation");
        await page.GetByLabel("Their name").FillAsync("John Roe");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the contact", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(companyUrl);
        await Expect(page.GetByTestId("person")).ToHaveCountAsync(2);
    }

    [ChromiumFact]
    public async Task The_companies_pages_fit_a_phone()
    {
        var page = await browser.NewPageAsync(_app.ServerAddress);
        await Pages.SetUpFirstAdminAsync(page);
        await page.WaitForURLAsync(new Regex("/$"));
        await page.GotoAsync("/log-contact");
        await page.GetByLabel("Company name").FillAsync("Averyveryverylongcompanynamewithoutanyspacesatallthatgoesonandon GmbH");
        await page.GetByLabel("Their name").FillAsync("Jane Doe");
        await page.GetByLabel("E-mail").FillAsync("jane.doe.with.a.long.address@averyveryverylongcompanyname.example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the contact", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/companies/\\d+$"));
        var id = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        await Pages.AssertFitsTheScreenAsync(page);

        foreach (var url in new[] { "/companies", $"/companies/{id}/edit", $"/companies/{id}/merge", $"/companies/{id}/people/new", $"/companies/{id}/delete", "/companies/import", "/companies/deleted" })
        {
            await page.GotoAsync(url);
            await Expect(page.Locator("main h1")).ToBeVisibleAsync();
            await Pages.AssertFitsTheScreenAsync(page);
        }

        // Import preview and result, through the real file input.
        await page.GotoAsync("/companies/import");
        await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload
        {
            Name = "contacts.csv", MimeType = "text/csv",
            Buffer = System.Text.Encoding.UTF8.GetBytes("Company,Person,E-mail\nNoisebridge,Mitch Altman,mitch@example.org\nYelp,,not-an-address\n"),
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and preview" }).ClickAsync();
        await Expect(page.GetByTestId("rows-error")).ToHaveTextAsync("1");
        await Pages.AssertFitsTheScreenAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Import 1 rows" }).ClickAsync();
        await Expect(page.GetByTestId("import-done")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Pages.AssertFitsTheScreenAsync(page);
    }

    public void Dispose() => _app.Dispose();
}
