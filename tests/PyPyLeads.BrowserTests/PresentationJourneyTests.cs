using System.Text.RegularExpressions;
using Ical.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PyPyLeads.BrowserTests;

public sealed class PresentationJourneyTests(Browser browser) : IClassFixture<Browser>, IDisposable
{
    private readonly LeadsApp _app = new LeadsApp().With("Clock:StartsAt", "2011-03-02T09:00:00-08:00").OnLoopback();

    [ChromiumFact]
    public async Task A_company_invites_the_team_and_a_coordinator_schedules_it_around_a_clash_and_downloads_the_ics()
    {
        // A company, on a phone, without an account: from the sign-in page to the invitation page.
        var visitor = await browser.NewPageAsync(_app.ServerAddress);
        await visitor.GotoAsync("/setup");
        await Pages.SetUpFirstAdminAsync(visitor); // the coordinator's own set-up happens first on a new install
        await Pages.SignOutAsync(visitor);
        await visitor.GetByRole(AriaRole.Link, new() { Name = "Invite us" }).ClickAsync();
        await Pages.AssertFitsTheScreenAsync(visitor);
        await visitor.GetByLabel("Company", new() { Exact = true }).FillAsync("Yelp");
        await visitor.GetByLabel("Your name").FillAsync("Jane Doe");
        await visitor.GetByLabel("Your e-mail").FillAsync("jane@yelp.com");
        await visitor.GetByLabel("City").FillAsync("San Francisco");
        await visitor.GetByLabel("Preferred dates").FillAsync("March 2 or 3, late afternoon");
        await visitor.GetByLabel("Expected audience (people)").FillAsync("40");
        await visitor.GetByLabel("JIT speed", new() { Exact = false }).CheckAsync();
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Send the invitation" }).ClickAsync();
        await Expect(visitor.GetByTestId("invite-thanks")).ToBeVisibleAsync();

        // The coordinator sees the request waiting and schedules it with Armin at 16:30 on March 2.
        var coordinator = await browser.NewPageAsync(_app.ServerAddress);
        await Pages.SignInAsync(coordinator, People.AdminEmail, People.AdminPassword);
        await Expect(coordinator.GetByTestId("requested-count")).ToHaveTextAsync("1");
        await coordinator.GotoAsync("/presentations");
        await Pages.AssertFitsTheScreenAsync(coordinator);
        await coordinator.GetByRole(AriaRole.Link, new() { Name = "Yelp" }).ClickAsync();
        await coordinator.GetByLabel("Place (name and address)").FillAsync("Yelp, 706 Mission St");
        await coordinator.GetByLabel("Starts (local time)").FillAsync("2011-03-02T16:30");
        await coordinator.GetByLabel("Ends (local time)").FillAsync("2011-03-02T17:30");
        await coordinator.GetByLabel("Armin Rigo").CheckAsync();
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Schedule", Exact = true }).ClickAsync();
        await Expect(coordinator.GetByTestId("clash-warning")).ToContainTextAsync("Armin Rigo is at the Stanford talk (Wed 2 Mar 16:15 PST)");
        await Pages.AssertFitsTheScreenAsync(coordinator);

        // Moved to the next afternoon it still touches the Yelp talk's travel time; the coordinator books it anyway.
        await coordinator.GetByLabel("Starts (local time)").FillAsync("2011-03-03T16:30");
        await coordinator.GetByLabel("Ends (local time)").FillAsync("2011-03-03T17:45");
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Schedule", Exact = true }).ClickAsync();
        await Expect(coordinator.GetByTestId("clash-warning")).ToContainTextAsync("Yelp talk");
        await coordinator.GetByLabel("Book it anyway").CheckAsync();
        await coordinator.GetByRole(AriaRole.Button, new() { Name = "Schedule", Exact = true }).ClickAsync();
        await Expect(coordinator.GetByTestId("presentation-status")).ToHaveTextAsync("Scheduled");
        await Expect(coordinator.GetByTestId("presentation-when")).ToHaveTextAsync("Thu 3 Mar 2011, 16:30–17:45 PST");

        var download = await coordinator.RunAndWaitForDownloadAsync(() => coordinator.GetByTestId("download-ics").ClickAsync());
        var path = await download.PathAsync();
        var calendar = Calendar.Load(await File.ReadAllTextAsync(path!))!;
        var e = Assert.Single(calendar.Events);
        Assert.Equal(new DateTime(2011, 3, 4, 0, 30, 0, DateTimeKind.Utc), e.DtStart!.AsUtc); // 16:30 PST
        Assert.Equal("PyPy presentation at Yelp", e.Summary);

        // The schedule shows it beside the Yelp talk, on a phone.
        await coordinator.GotoAsync("/schedule");
        await Expect(coordinator.GetByTestId("schedule-entry").Filter(new() { HasText = "Presentation at Yelp" })).ToContainTextAsync("16:30–17:45 PST");
        await Pages.AssertFitsTheScreenAsync(coordinator);
    }

    [ChromiumFact]
    public async Task Meetings_team_and_calendar_pages_load_on_a_phone()
    {
        var page = await browser.NewPageAsync(_app.ServerAddress);
        await Pages.SetUpFirstAdminAsync(page);
        await page.WaitForURLAsync(new Regex("/$"));

        await page.GotoAsync("/meetings/new");
        await page.GetByLabel("Company").FillAsync("Mozilla");
        await page.GetByLabel("Place (restaurant, office...)").FillAsync("Castro Street");
        await page.GetByLabel("Starts (local time)").FillAsync("2011-03-04T12:00");
        await page.GetByLabel("Ends (local time)").FillAsync("2011-03-04T13:00");
        await page.GetByLabel("Jacob Hallén").CheckAsync();
        await Pages.AssertFitsTheScreenAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Plan it" }).ClickAsync();
        await Expect(page.GetByTestId("meeting-when")).ToHaveTextAsync("Fri 4 Mar 2011, 12:00–13:00 PST");
        await Pages.AssertFitsTheScreenAsync(page);

        foreach (var path in new[] { "/meetings", "/team", "/calendar", "/presentations/new", "/invite" })
        {
            await page.GotoAsync(path);
            await Expect(page.Locator("h1")).ToBeVisibleAsync();
            await Pages.AssertFitsTheScreenAsync(page);
        }
        await page.GotoAsync("/calendar");
        await page.GetByRole(AriaRole.Button, new() { Name = "Make my feed address" }).ClickAsync();
        await Expect(page.GetByTestId("feed-url")).ToContainTextAsync("/calendar/feed/");
        await Pages.AssertFitsTheScreenAsync(page);
    }

    public void Dispose() => _app.Dispose();
}
