using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PyPyLeads.BrowserTests;

/// <summary>The triage inbox on a phone (375 px): mail dropped into the embedded default's inbox folder, read with "check now".</summary>
public sealed class TriageJourneyTests(Browser browser) : IClassFixture<Browser>, IDisposable
{
    private readonly LeadsApp _app = new LeadsApp().With("Clock:StartsAt", "2011-03-05T09:00:00-08:00").With("Hangfire:RunServer", "false").OnLoopback();

    [ChromiumFact]
    public async Task An_admin_on_a_phone_checks_the_mailbox_reads_a_message_that_matched_nothing_and_dismisses_it()
    {
        var page = await browser.NewPageAsync(_app.ServerAddress);
        await Pages.SetUpFirstAdminAsync(page);
        await page.WaitForURLAsync(new Regex("/$"));
        // The README's sample: no company Yelp here yet, so it waits in triage.
        var inbox = Path.Combine(_app.DataDirectory, "inbox");
        Directory.CreateDirectory(inbox);
        File.Copy(SamplePath(), Path.Combine(inbox, "sample.eml"));

        await Pages.OpenMenuAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Mail", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/intake");
        await Expect(page.GetByTestId("triage-empty")).ToBeVisibleAsync();
        await page.GetByTestId("check-now").ClickAsync();
        await Expect(page.GetByTestId("flash")).ToContainTextAsync("0 filed on companies, 1 in triage");
        await Expect(page.GetByTestId("triage-message")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("triage-count")).ToHaveTextAsync("1");
        await Pages.AssertFitsTheScreenAsync(page);

        await page.GetByTestId("triage-message").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("mail-headers")).ToContainTextAsync("Jeremy Stoppelman <jeremy@yelp.com>");
        await Expect(page.GetByTestId("mail-text")).ToContainTextAsync("hear more");
        await Expect(page.Locator("#NewCompany_Name")).ToHaveValueAsync("Yelp");
        await Expect(page.Locator("#NewCompany_PersonRole")).ToHaveValueAsync("CEO");
        await Pages.AssertFitsTheScreenAsync(page);

        await page.GetByTestId("dismiss").ClickAsync();
        await page.WaitForURLAsync("**/intake");
        await Expect(page.GetByTestId("flash")).ToContainTextAsync("Dismissed");
        await Expect(page.GetByTestId("triage-empty")).ToBeVisibleAsync();
        await Pages.AssertFitsTheScreenAsync(page);
    }

    private static string SamplePath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PyPyLeads.sln")))
        {
            dir = dir.Parent;
        }
        return Path.Combine(dir!.FullName, "src", "PyPyLeads.Web", "deploy", "intake", "forwarded-from-yelp.eml");
    }

    public void Dispose() => _app.Dispose();
}
