using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;
using PyPyLeads.Schedule;
using static Microsoft.Playwright.Assertions;

namespace PyPyLeads.BrowserTests;

/// <summary>
/// Today, the first screen after signing in, on a phone (375 px) and a desktop (1280 px), on the tour clock (Wed 2 Mar
/// 2011, 09:00 Pacific, 18:00 in Laura's Stockholm).
/// </summary>
public sealed class TodayJourneyTests(Browser browser) : IClassFixture<Browser>, IDisposable
{
    private static readonly DateTime TourStart = new(2011, 3, 2, 17, 0, 0, DateTimeKind.Utc);
    private readonly LeadsApp _app = new LeadsApp().With("Clock:StartsAt", "2011-03-02T09:00:00-08:00").OnLoopback();

    [ChromiumFact]
    public Task A_fresh_user_sees_an_empty_friendly_today_on_a_phone() => FreshAsync(375);

    [ChromiumFact]
    public Task A_fresh_user_sees_an_empty_friendly_today_on_a_desktop() => FreshAsync(1280);

    [ChromiumFact]
    public Task A_due_follow_up_a_meeting_today_and_a_waiting_request_each_appear_once_in_the_users_zone_and_work_on_a_phone() => BusyAsync(375);

    [ChromiumFact]
    public Task A_due_follow_up_a_meeting_today_and_a_waiting_request_each_appear_once_in_the_users_zone_and_work_on_a_desktop() => BusyAsync(1280);

    private async Task FreshAsync(int width)
    {
        var page = await browser.NewPageAsync(_app.ServerAddress, width: width, height: 900);
        await Pages.SetUpFirstAdminAsync(page);
        await page.WaitForURLAsync(new Regex("/$"));

        await Expect(page).ToHaveTitleAsync("Today · PyPyLeads");
        await Expect(page.GetByTestId("today-empty")).ToContainTextAsync("Nothing waits for you today.");
        await Expect(page.GetByTestId("today-date")).ToHaveTextAsync("Wednesday 2 March");
        await Expect(page.GetByTestId("today-stop")).ToContainTextAsync("Stanford talk");
        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("Laura Creighton");
        await Pages.AssertFitsTheScreenAsync(page);

        // The dashboard: beside Today on a wide screen, one tap away on a phone.
        var today = (await page.GetByTestId("today").BoundingBoxAsync())!;
        var dashboard = (await page.GetByTestId("dashboard").BoundingBoxAsync())!;
        if (width >= 992)
        {
            Assert.True(dashboard.X >= today.X + today.Width - 1, $"The dashboard (x {dashboard.X}) is beside Today (x {today.X}, width {today.Width})");
            await Expect(page.GetByTestId("to-dashboard")).ToBeHiddenAsync();
        }
        else
        {
            await page.GetByTestId("to-dashboard").ClickAsync();
            await page.WaitForURLAsync("**/dashboard");
            await Expect(page.GetByTestId("dashboard-totals")).ToBeVisibleAsync();
            await Pages.AssertFitsTheScreenAsync(page);
        }

        // The new company and new follow-up pages, reached from their lists, fit too.
        await page.GotoAsync("/companies");
        await page.GetByTestId("new-company").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("New company");
        await Pages.AssertFitsTheScreenAsync(page);
        await page.GotoAsync("/followups");
        await page.GetByTestId("new-followup").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("New follow-up");
        await Pages.AssertFitsTheScreenAsync(page);
    }

    private async Task BusyAsync(int width)
    {
        var page = await browser.NewPageAsync(_app.ServerAddress, width: width, height: 900);
        await Pages.SetUpFirstAdminAsync(page);
        await page.WaitForURLAsync(new Regex("/$"));
        var (meetingId, requestId) = await ArrangeAsync();

        await page.GotoAsync("/");
        var followUp = page.GetByTestId("today-followups").GetByTestId("followup");
        await Expect(followUp).ToHaveCountAsync(1);
        await Expect(followUp).ToContainTextAsync("Wed 2 Mar 2011, 17:00 CET"); // 08:00 in the Bay Area
        await Expect(followUp).ToContainTextAsync("Send them the JIT numbers");
        var meeting = page.GetByTestId("today-engagement");
        await Expect(meeting).ToHaveCountAsync(1);
        await Expect(meeting).ToContainTextAsync("Today 20:00–22:00 CET");
        await Expect(meeting).ToContainTextAsync("Wed 2 Mar 2011, 11:00–13:00 PST there");
        await Expect(page.GetByTestId("today-request")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("today-request-count")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("requested-count")).ToHaveTextAsync("1");
        await Pages.AssertFitsTheScreenAsync(page);

        // Each item is one tap from its page.
        await meeting.GetByRole(AriaRole.Link).ClickAsync();
        await page.WaitForURLAsync($"**/meetings/{meetingId}");
        await page.GoBackAsync();
        await page.GetByTestId("today-request").GetByRole(AriaRole.Link).ClickAsync();
        await page.WaitForURLAsync($"**/presentations/{requestId}");
        await page.GoBackAsync();

        // Done in place: back on Today, the follow-up gone, the rest still there.
        await followUp.GetByTestId("done").ClickAsync();
        await Expect(page.GetByTestId("flash")).ToHaveTextAsync("Marked done.");
        await Expect(page).ToHaveURLAsync(new Regex("/$"));
        await Expect(page.GetByTestId("followup")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("today-engagement")).ToHaveCountAsync(1);
        await Pages.AssertFitsTheScreenAsync(page);
    }

    /// <summary>A follow-up of Laura's due an hour ago, a dinner in two hours, a request waiting for an answer.</summary>
    private async Task<(int MeetingId, int RequestId)> ArrangeAsync()
    {
        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        var laura = db.Users.Single(u => u.Email == People.AdminEmail).Id;
        var yelp = new Company { Name = "Yelp", NameKey = CompanyKeys.Name("Yelp"), Source = LeadSource.TourStop, SourceTourStopId = 1, ConsultancyId = 1, CreatedAtUtc = TourStart };
        var mozilla = new Company { Name = "Mozilla", NameKey = CompanyKeys.Name("Mozilla"), Source = LeadSource.InvitationPage, ConsultancyId = 2, CreatedAtUtc = TourStart };
        db.Companies.AddRange(yelp, mozilla);
        await db.SaveChangesAsync();
        // Due in the past: the reminder job finds it at once, and it stays open (reminded) until marked done.
        db.FollowUps.Add(new FollowUp
        {
            CompanyId = yelp.Id, OwnerUserId = laura, CreatedByUserId = laura, CreatedAtUtc = TourStart.AddDays(-1), DueAtUtc = TourStart.AddHours(-1),
            NextAttemptAtUtc = TourStart.AddHours(-1), Note = "Send them the JIT numbers",
        });
        var meeting = new Meeting
        {
            CompanyId = yelp.Id, Kind = MeetingKind.Dinner, Area = TourAreas.BayArea, PlaceName = "Zuni Café", StartsAtUtc = TourStart.AddHours(2),
            EndsAtUtc = TourStart.AddHours(4), Status = MeetingStatus.Planned, CreatedAtUtc = TourStart,
        };
        var request = new PresentationRequest
        {
            CompanyId = mozilla.Id, ContactName = "Jane Doe", ContactEmail = "jane@mozilla.example", City = "Mountain View",
            Status = PresentationStatus.Requested, ViaPublicPage = true, CreatedAtUtc = TourStart.AddHours(-5),
        };
        db.Meetings.Add(meeting);
        db.PresentationRequests.Add(request);
        await db.SaveChangesAsync();
        return (meeting.Id, request.Id);
    }

    public void Dispose() => _app.Dispose();
}
