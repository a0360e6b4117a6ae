using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Data;
using PyPyLeads.Deals;
using PyPyLeads.FollowUps;
using PyPyLeads.IntegrationTests.Deals;
using PyPyLeads.Schedule;
using PyPyLeads.Tour;

namespace PyPyLeads.IntegrationTests.Today;

/// <summary>
/// The Today page over HTTP, on the tour clock (Wed 2 Mar 2011, 09:00 Pacific): Jacob (Open End, Pacific time), Holger
/// (merlinux, Pacific time) and Laura (admin, Stockholm time).
/// </summary>
public sealed class TodayTests : IAsyncLifetime
{
    private static readonly DateTime Now = DealsWorld.Start.UtcDateTime; // 17:00 UTC
    private readonly SqlCommandCounter _commands = new();
    private DealsWorld _w = null!;

    public async Task InitializeAsync() => _w = await DealsWorld.StartAsync(app => app.WithServices(s => s.ConfigureDbContext<LeadsDbContext>(o => o.AddInterceptors(_commands))));

    public async Task DisposeAsync() => await _w.DisposeAsync();

    private static DateTime Pacific(int day, int hour, int minute = 0) => new DateTime(2011, 3, day, hour, minute, 0, DateTimeKind.Utc).AddHours(8);

    private Task<int> FollowUpAsync(int companyId, string ownerEmail, DateTime dueUtc, FollowUpState state = FollowUpState.Scheduled, string? note = null) =>
        _w.DbAsync(async db =>
        {
            var owner = await db.Users.Where(u => u.Email == ownerEmail).Select(u => u.Id).SingleAsync();
            var followUp = new FollowUp
            {
                CompanyId = companyId, OwnerUserId = owner, CreatedByUserId = owner, CreatedAtUtc = Now.AddDays(-7), DueAtUtc = dueUtc,
                NextAttemptAtUtc = dueUtc, State = state, Note = note, LastError = state == FollowUpState.Failed ? "550 mailbox unavailable" : null,
            };
            db.FollowUps.Add(followUp);
            await db.SaveChangesAsync();
            return followUp.Id;
        });

    private Task<int> MeetingAsync(int companyId, DateTime startsUtc, MeetingStatus status = MeetingStatus.Planned, string area = TourAreas.BayArea) =>
        _w.DbAsync(async db =>
        {
            var meeting = new Meeting
            {
                CompanyId = companyId, Kind = MeetingKind.Dinner, Area = area, PlaceName = "Zuni Café", StartsAtUtc = startsUtc,
                EndsAtUtc = startsUtc.AddHours(2), Status = status, CreatedAtUtc = Now.AddDays(-1),
            };
            db.Meetings.Add(meeting);
            await db.SaveChangesAsync();
            return meeting.Id;
        });

    private Task<int> RequestAsync(int companyId, PresentationStatus status = PresentationStatus.Requested, DateTime? startsUtc = null, string city = "San Francisco") =>
        _w.DbAsync(async db =>
        {
            var request = new PresentationRequest
            {
                CompanyId = companyId, ContactName = "Jane Doe", ContactEmail = "jane@example.org", City = city, Status = status,
                Area = startsUtc is null ? null : TourAreas.BayArea, Place = startsUtc is null ? null : "Their office",
                StartsAtUtc = startsUtc, EndsAtUtc = startsUtc?.AddHours(1), CreatedAtUtc = Now.AddHours(-5),
            };
            db.PresentationRequests.Add(request);
            await db.SaveChangesAsync();
            return request.Id;
        });

    private static IReadOnlyList<string> Texts(IHtmlDocument page, string testId) =>
        page.QuerySelectorAll($"[data-testid={testId}]").Select(e => string.Join(" ", e.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))).ToList();

    [Fact]
    public async Task A_fresh_user_sees_an_empty_friendly_today_with_the_tour_stop_of_the_day()
    {
        var page = await _w.OpenEnd.GetPageAsync("/");

        Assert.Contains("Nothing waits for you today.", DealsWorld.Text(page, "today-empty"), StringComparison.Ordinal);
        Assert.Equal("Wednesday 2 March", DealsWorld.Text(page, "today-date"));
        Assert.Contains("Stanford talk", DealsWorld.Text(page, "today-stop"), StringComparison.Ordinal);
        Assert.Contains("Tour stop today", DealsWorld.Text(page, "today-stop"), StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("[data-testid=today-followups]"));
        Assert.NotNull(page.QuerySelector("[data-testid=dashboard]")); // beside Today, one tap away on a phone
        Assert.Equal("/dashboard", page.QuerySelector("[data-testid=to-dashboard]")!.GetAttribute("href"));
        var dashboard = await _w.OpenEnd.GetPageAsync("/dashboard");
        Assert.NotNull(dashboard.QuerySelector("[data-testid=dashboard-totals]"));
        Assert.Null(dashboard.QuerySelector("[data-testid=today]"));
    }

    [Fact]
    public async Task After_the_last_stop_of_the_day_the_next_one_is_shown()
    {
        _w.Clock.SetUtcNow(new DateTimeOffset(2011, 3, 3, 23, 0, 0, TimeSpan.FromHours(-8))); // after the Yelp talk, Thu 3 Mar

        var page = await _w.OpenEnd.GetPageAsync("/");

        Assert.Contains("Next tour stop", DealsWorld.Text(page, "today-stop"), StringComparison.Ordinal);
        Assert.Contains("Noisebridge mini sprint", DealsWorld.Text(page, "today-stop"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Today_lists_my_follow_ups_due_by_tonight_todays_and_tomorrows_engagements_waiting_requests_and_my_deals_that_need_a_look_each_once()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var mozilla = await _w.CompanyAsync("Mozilla", Consultancy.MerlinuxId);
        await FollowUpAsync(yelp, "jacob@openend.se", Pacific(1, 10), note: "overdue since yesterday");
        await FollowUpAsync(yelp, "jacob@openend.se", Pacific(2, 23, 30), note: "due tonight");
        await FollowUpAsync(yelp, "jacob@openend.se", Pacific(3, 0, 30), note: "tomorrow, just after midnight");
        await FollowUpAsync(yelp, "jacob@openend.se", Pacific(1, 9), FollowUpState.Done, note: "done already");
        await FollowUpAsync(mozilla, "holger@merlinux.eu", Pacific(1, 9), note: "Holger's");
        await MeetingAsync(yelp, Pacific(2, 19));
        await MeetingAsync(mozilla, Pacific(3, 12));
        await MeetingAsync(mozilla, Pacific(4, 12)); // the day after tomorrow
        await MeetingAsync(yelp, Pacific(2, 12), MeetingStatus.Cancelled);
        await RequestAsync(yelp, PresentationStatus.Scheduled, Pacific(3, 14));
        await RequestAsync(mozilla);
        await RequestAsync(yelp, PresentationStatus.Declined);
        var stale = await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Proposal, lastActivityUtc: Now.AddDays(-30));
        var late = await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Negotiation, closesOn: new DateOnly(2011, 3, 1));
        await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.New); // fresh
        await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Won, lastActivityUtc: Now.AddDays(-30), closesOn: new DateOnly(2011, 2, 1));
        await _w.DealAsync(mozilla, Consultancy.MerlinuxId, "holger@merlinux.eu", DealStage.Proposal, lastActivityUtc: Now.AddDays(-30));

        var page = await _w.OpenEnd.GetPageAsync("/");

        Assert.Null(page.QuerySelector("[data-testid=today-empty]"));
        var followUps = Texts(page, "followup");
        Assert.Equal(2, followUps.Count);
        Assert.Contains("overdue since yesterday", followUps[0], StringComparison.Ordinal);
        Assert.Contains("Tue 1 Mar 2011, 10:00 PST", followUps[0], StringComparison.Ordinal);
        Assert.Contains("Wed 2 Mar 2011, 23:30 PST", followUps[1], StringComparison.Ordinal);
        Assert.Equal(2, page.QuerySelectorAll("[data-testid=today-followups] [data-testid=done]").Length);

        var engagements = Texts(page, "today-engagement");
        Assert.Equal(3, engagements.Count);
        Assert.StartsWith("Dinner with Yelp Today 19:00–21:00 PST Zuni Café", engagements[0], StringComparison.Ordinal);
        Assert.StartsWith("Dinner with Mozilla Tomorrow 12:00–14:00 PST", engagements[1], StringComparison.Ordinal);
        Assert.StartsWith("Presentation with Yelp Tomorrow 14:00–15:00 PST", engagements[2], StringComparison.Ordinal);
        Assert.DoesNotContain(engagements, e => e.Contains(" there", StringComparison.Ordinal)); // Jacob is in the places' zone

        Assert.Equal(["Mozilla, San Francisco asked Wed 2 Mar 2011, 04:00 PST"], Texts(page, "today-request"));
        Assert.Equal("1", DealsWorld.Text(page, "today-request-count"));

        var deals = page.QuerySelectorAll("[data-testid=today-deal]").ToList();
        Assert.Equal([$"/deals/{late}", $"/deals/{stale}"], deals.Select(d => d.QuerySelector("a")!.GetAttribute("href")).ToList());
        Assert.Contains("expected to close 1 Mar 2011", deals[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("no activity for 14 days", deals[1].TextContent, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("[data-testid=today-unassigned]")); // admins only
    }

    [Fact]
    public async Task Times_are_in_the_users_zone_with_the_places_own_time_beside_them_when_it_differs()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        await MeetingAsync(yelp, Pacific(2, 19)); // 04:00 CET on Thu 3 Mar: tomorrow for Laura in Stockholm (18:00 there now)

        var page = await _w.Admin.GetPageAsync("/");

        Assert.Equal(["Dinner with Yelp Tomorrow 04:00–06:00 CET Zuni Café · Wed 2 Mar 2011, 19:00–21:00 PST there"], Texts(page, "today-engagement"));
    }

    [Fact]
    public async Task Admins_also_see_the_leads_no_consultancy_has_taken_and_the_reminders_that_could_not_be_emailed()
    {
        var nobodys = await _w.CompanyAsync("Dropbox");
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        await FollowUpAsync(yelp, "jacob@openend.se", Pacific(2, 8), FollowUpState.Failed);

        var admin = await _w.Admin.GetPageAsync("/");
        var member = await _w.OpenEnd.GetPageAsync("/");

        Assert.Equal("1", DealsWorld.Text(admin, "today-unassigned-count"));
        Assert.Equal($"/leads/{nobodys}/assign?returnUrl=%2F", admin.QuerySelector("[data-testid=today-unassigned] li a")!.GetAttribute("href"));
        Assert.Contains("550 mailbox unavailable", DealsWorld.Text(admin, "today-failed"), StringComparison.Ordinal);
        Assert.Null(member.QuerySelector("[data-testid=today-unassigned]"));
        Assert.Null(member.QuerySelector("[data-testid=today-failed]"));
        Assert.Single(Texts(member, "followup")); // Jacob's own, failed, is still his to do
    }

    [Fact]
    public async Task Done_in_place_closes_the_follow_up_comes_back_to_today_and_takes_its_reminder_off_the_bell()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var id = await FollowUpAsync(yelp, "jacob@openend.se", Pacific(2, 8), FollowUpState.Reminded);
        await OnTheBellAsync(id, "jacob@openend.se");
        Assert.Equal("1", DealsWorld.Text(await _w.OpenEnd.GetPageAsync("/"), "bell-count"));

        var done = await _w.OpenEnd.PostFormAsync("/", new Dictionary<string, string>(), $"/followups/{id}/done");

        People.Expect(done, HttpStatusCode.Redirect, "/");
        var page = await _w.OpenEnd.GetPageAsync("/");
        Assert.Equal("Marked done.", DealsWorld.Text(page, "flash"));
        Assert.Empty(Texts(page, "followup"));
        Assert.Equal("0", DealsWorld.Text(page, "bell-count"));
        Assert.Equal(FollowUpState.Done, await _w.DbAsync(db => db.FollowUps.Where(f => f.Id == id).Select(f => f.State).SingleAsync()));
    }

    [Fact]
    public async Task Snoozed_until_tomorrow_morning_in_place_it_leaves_today_and_takes_its_reminder_off_the_bell()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var id = await FollowUpAsync(yelp, "jacob@openend.se", Pacific(2, 8), FollowUpState.Reminded);
        await OnTheBellAsync(id, "jacob@openend.se");
        var before = await _w.OpenEnd.GetPageAsync("/");
        Assert.Equal((1, "1"), (Texts(before, "followup").Count, DealsWorld.Text(before, "bell-count")));

        var snoozed = await _w.OpenEnd.PostFormAsync("/", new Dictionary<string, string> { ["For"] = "tomorrow" }, $"/followups/{id}/snooze");

        People.Expect(snoozed, HttpStatusCode.Redirect, "/");
        // The list and the bell move together: a snoozed reminder is no longer one to act on.
        var page = await _w.OpenEnd.GetPageAsync("/");
        Assert.Empty(Texts(page, "followup"));
        Assert.Equal("0", DealsWorld.Text(page, "bell-count"));
        Assert.Equal(Pacific(3, 9), await _w.DbAsync(db => db.FollowUps.Where(f => f.Id == id).Select(f => f.DueAtUtc).SingleAsync()));
    }

    /// <summary>The reminder of <paramref name="followUpId"/> in its owner's bell, as a delivery leaves it.</summary>
    private Task<int> OnTheBellAsync(int followUpId, string ownerEmail) => _w.DbAsync(async db =>
    {
        db.Notifications.Add(new Notification
        {
            UserId = await db.Users.Where(u => u.Email == ownerEmail).Select(u => u.Id).SingleAsync(), FollowUpId = followUpId,
            CreatedAtUtc = Pacific(2, 8), Title = "Follow up", Url = $"/followups/{followUpId}",
        });
        return await db.SaveChangesAsync();
    });

    [Fact]
    public async Task Someone_elses_follow_up_cannot_be_closed_from_a_forged_today_form()
    {
        var mozilla = await _w.CompanyAsync("Mozilla", Consultancy.MerlinuxId);
        var holgers = await FollowUpAsync(mozilla, "holger@merlinux.eu", Pacific(2, 8));
        Assert.Empty(Texts(await _w.OpenEnd.GetPageAsync("/"), "followup"));

        // With the version an attacker could read off Holger's own page: the version is not what refuses it.
        var version = await _w.DbAsync(db => db.FollowUps.Where(f => f.Id == holgers).Select(f => f.Version).SingleAsync());
        var forged = await DealsWorld.PostAsync(_w.OpenEnd, $"/followups/{holgers}/done", new Dictionary<string, string>
        {
            ["returnUrl"] = "/", ["version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(FollowUpState.Scheduled, await _w.DbAsync(db => db.FollowUps.Where(f => f.Id == holgers).Select(f => f.State).SingleAsync()));
    }

    [Fact]
    public async Task The_waiting_requests_count_is_the_badges_and_both_move_together()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var first = await RequestAsync(yelp);
        await RequestAsync(yelp, city: "Oakland");
        await RequestAsync(yelp, city: "Palo Alto");

        var before = await _w.Admin.GetPageAsync("/");
        Assert.Equal(("3", "3", 3), (DealsWorld.Text(before, "today-request-count"), DealsWorld.Text(before, "requested-count"), Texts(before, "today-request").Count));

        People.Expect(await _w.Admin.PostFormAsync($"/presentations/{first}", new Dictionary<string, string> { ["Reason"] = "No one free" }, $"/presentations/{first}/decline"),
            HttpStatusCode.Redirect);

        var after = await _w.Admin.GetPageAsync("/");
        Assert.Equal(("2", "2", 2), (DealsWorld.Text(after, "today-request-count"), DealsWorld.Text(after, "requested-count"), Texts(after, "today-request").Count));
    }

    [Fact]
    public async Task Hostile_names_and_notes_are_shown_as_text()
    {
        var hostile = await _w.CompanyAsync("<script>alert(1)</script>", Consultancy.OpenEndId);
        await FollowUpAsync(hostile, "jacob@openend.se", Pacific(2, 8), note: "<img src=x onerror=alert(2)>");
        await MeetingAsync(hostile, Pacific(2, 19));

        var response = await _w.OpenEnd.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.Contains("<script>alert(1)</script>", Texts(Forms.Parse(html), "today-engagement")[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_runs_as_many_SQL_statements_for_a_few_items_as_for_many()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        await _w.CompanyAsync("Dropbox");
        async Task AddAsync(int n)
        {
            for (var i = 0; i < n; i++)
            {
                await FollowUpAsync(yelp, People.AdminEmail, Pacific(1, 9).AddMinutes(i));
                await FollowUpAsync(yelp, "jacob@openend.se", Pacific(1, 9).AddMinutes(i), FollowUpState.Failed);
                await MeetingAsync(yelp, Pacific(2, 12).AddMinutes(i));
                await RequestAsync(yelp);
                await RequestAsync(yelp, PresentationStatus.Scheduled, Pacific(3, 9).AddMinutes(i));
                await _w.DealAsync(yelp, Consultancy.OpenEndId, People.AdminEmail, DealStage.Proposal, lastActivityUtc: Now.AddDays(-30), closesOn: new DateOnly(2011, 2, 1));
                await _w.CompanyAsync($"Unassigned {n}-{i}");
            }
        }
        async Task<int> CountAsync()
        {
            await _w.Admin.GetPageAsync("/"); // the dashboard recomputes after a change; the next load is the one measured
            _commands.Reset();
            var page = await _w.Admin.GetPageAsync("/");
            Assert.NotEmpty(Texts(page, "followup"));
            return _commands.Count;
        }

        await AddAsync(2);
        var few = await CountAsync();
        await AddAsync(40);
        var many = await CountAsync();

        Assert.True(few > 0);
        Assert.Equal(few, many);
    }
}
