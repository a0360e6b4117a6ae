using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PyPyLeads.BrowserTests;

public sealed class FirstRunJourneyTests(Browser browser) : IClassFixture<Browser>, IDisposable
{
    // The tour clock as the README runs it: 2 March 2011, 09:00 Pacific.
    private readonly LeadsApp _app = new LeadsApp().With("Clock:StartsAt", "2011-03-02T09:00:00-08:00").OnLoopback();

    [ChromiumFact]
    public async Task First_run_set_up_then_sign_in_shows_days_left_and_the_tour_on_a_phone()
    {
        var page = await browser.NewPageAsync(_app.ServerAddress);

        await Pages.SetUpFirstAdminAsync(page);
        await page.WaitForURLAsync(new Regex("/$"));
        await Expect(page.GetByTestId("days-left")).ToHaveTextAsync("212");
        await Pages.AssertFitsTheScreenAsync(page);

        await Pages.SignOutAsync(page);
        await Pages.SignInAsync(page, People.AdminEmail, "a wrong password");
        await Expect(page.Locator("[data-valmsg-for=Password]")).ToHaveTextAsync("The e-mail address or the password is wrong.");
        await Pages.AssertFitsTheScreenAsync(page);

        await Pages.SignInAsync(page, People.AdminEmail, People.AdminPassword);
        await page.WaitForURLAsync(new Regex("/$"));
        await Expect(page.GetByTestId("days-left")).ToHaveTextAsync("212");
        await Expect(page.GetByTestId("tour-stop")).ToHaveCountAsync(8);
        var stanford = page.GetByTestId("tour-stop").First;
        await Expect(stanford).ToContainTextAsync("Stanford talk");
        await Expect(stanford).ToContainTextAsync("Wed 2 Mar 2011, 16:15 PST");
        await Expect(stanford).ToContainTextAsync("today");
        await Expect(page.GetByTestId("tour-stop").Nth(3)).ToContainTextAsync("Mon 7 Mar 2011, 11:30 PST");
        await Pages.AssertFitsTheScreenAsync(page);
    }

    [ChromiumFact]
    public async Task Admin_pages_load_on_a_phone()
    {
        var page = await browser.NewPageAsync(_app.ServerAddress);
        await Pages.SetUpFirstAdminAsync(page);
        await page.WaitForURLAsync(new Regex("/$"));

        await page.GotoAsync("/users/invite");
        await page.GetByLabel("Name").FillAsync("Maciej Fijałkowski");
        await page.GetByLabel("E-mail").FillAsync("fijal@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the invitation" }).ClickAsync();
        var link = await page.GetByTestId("invitation-link").TextContentAsync();
        Assert.Contains("/account/invitation?user=", link, StringComparison.Ordinal);
        await Pages.AssertFitsTheScreenAsync(page);

        await page.GotoAsync("/users");
        await Expect(page.Locator("main")).ToContainTextAsync("Maciej Fijałkowski");
        await Pages.AssertFitsTheScreenAsync(page);

        // The invited person sets a password and signs in, on their own phone.
        var theirs = await browser.NewPageAsync(_app.ServerAddress);
        await theirs.GotoAsync(new Uri(link!).PathAndQuery);
        await theirs.GetByLabel("New password (at least 12 characters)").FillAsync("short");
        await theirs.GetByLabel("The same password again").FillAsync("short");
        await theirs.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Expect(theirs.Locator("[data-valmsg-for=Password]")).ToHaveTextAsync("Use at least 12 characters.");
        await theirs.GetByLabel("New password (at least 12 characters)").FillAsync("pypy jit in the hallway");
        await theirs.GetByLabel("The same password again").FillAsync("pypy jit in the hallway");
        await theirs.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await theirs.WaitForURLAsync("**/account/signin");
        await Pages.SignInAsync(theirs, "fijal@example.org", "pypy jit in the hallway");
        await Expect(theirs.GetByTestId("days-left")).ToBeVisibleAsync();
    }

    public void Dispose() => _app.Dispose();
}
