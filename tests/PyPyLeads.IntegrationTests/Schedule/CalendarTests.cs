using System.Net;
using Ical.Net;
using static PyPyLeads.IntegrationTests.Schedule.ScheduleTestSteps;

namespace PyPyLeads.IntegrationTests.Schedule;

public sealed class CalendarTests : IDisposable
{
    private readonly LeadsApp _app = new();

    [Fact]
    public async Task A_scheduled_presentation_downloads_as_ics_with_the_right_instants()
    {
        var client = _app.Client();
        await People.SetUpAsync(client);
        var id = await NewRequestAsync(client);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/presentations/{id}/ics")).StatusCode); // not scheduled yet
        People.Expect(await ScheduleAsync(client, id, "2011-03-04T14:00", "2011-03-04T15:30", [Armin]), HttpStatusCode.Redirect);

        var response = await client.GetAsync($"/presentations/{id}/ics");
        Assert.Equal("text/calendar", response.Content.Headers.ContentType!.MediaType);
        var calendar = Calendar.Load(await response.Content.ReadAsStringAsync())!;
        var e = Assert.Single(calendar.Events);
        Assert.Equal("PyPy presentation at Yelp", e.Summary);
        Assert.Equal(new DateTime(2011, 3, 4, 22, 0, 0, DateTimeKind.Utc), e.DtStart!.AsUtc);
        Assert.Equal(new DateTime(2011, 3, 4, 23, 30, 0, DateTimeKind.Utc), e.DtEnd!.AsUtc);
        Assert.Equal("Yelp, 706 Mission St", e.Location);
    }

    [Fact]
    public async Task The_private_feed_needs_no_cookie_carries_the_tour_and_engagements_and_404s_once_revoked()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var id = await NewRequestAsync(admin);
        People.Expect(await ScheduleAsync(admin, id, "2011-03-04T14:00", "2011-03-04T15:00", [Armin]), HttpStatusCode.Redirect);

        var made = await admin.PostFormAsync("/calendar", new Dictionary<string, string>(), "/calendar/feed");
        var url = new Uri((await made.ReadPageAsync()).QuerySelector("[data-testid=feed-url]")!.TextContent.Trim());
        Assert.Equal(0, Db(_app, db => db.CalendarFeeds.Count(f => f.TokenHash.Length != 64))); // only hashes are kept

        var anonymous = _app.Client();
        var feed = await anonymous.GetAsync(url.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
        var calendar = Calendar.Load(await feed.Content.ReadAsStringAsync())!;
        var stanford = calendar.Events.Single(e => e.Summary == "Stanford talk");
        Assert.Equal(new DateTime(2011, 3, 3, 0, 15, 0, DateTimeKind.Utc), stanford.DtStart!.AsUtc);
        Assert.Equal(new DateTime(2011, 3, 7, 19, 30, 0, DateTimeKind.Utc), calendar.Events.Single(e => e.Summary == "Google Tech Talk").DtStart!.AsUtc);
        Assert.Contains(calendar.Events, e => e.Summary == "PyPy presentation at Yelp" && e.DtStart!.AsUtc == new DateTime(2011, 3, 4, 22, 0, 0, DateTimeKind.Utc));

        People.Expect(await admin.PostFormAsync("/calendar", new Dictionary<string, string>(), "/calendar/feed/revoke"), HttpStatusCode.Redirect, "/calendar");
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(url.PathAndQuery)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/calendar/feed/" + new string('a', 64) + ".ics")).StatusCode);
    }

    [Fact]
    public async Task A_team_member_s_feed_holds_only_their_engagements()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var id = await NewRequestAsync(admin);
        People.Expect(await ScheduleAsync(admin, id, "2011-03-04T14:00", "2011-03-04T15:00", [Armin]), HttpStatusCode.Redirect);
        var atlanta = await NewRequestAsync(admin, "Dropbox", "Atlanta");
        People.Expect(await ScheduleAsync(admin, atlanta, "2011-03-15T10:00", "2011-03-15T11:00", [6], area: "Atlanta", place: "Hilton Atlanta"), HttpStatusCode.Redirect);
        var alex = await People.MemberAsync(_app, admin, "Alex Gaynor", "alex@example.org");
        // Link the user to the team member Alex Gaynor (id 6), as an admin's invitation would.
        Db(_app, db => { var u = db.Users.Single(x => x.Email == "alex@example.org"); u.TeamMemberId = 6; return db.SaveChanges(); });

        var made = await alex.PostFormAsync("/calendar", new Dictionary<string, string>(), "/calendar/feed");
        var url = new Uri((await made.ReadPageAsync()).QuerySelector("[data-testid=feed-url]")!.TextContent.Trim());
        var calendar = Calendar.Load(await _app.Client().GetStringAsync(url.PathAndQuery))!;
        // Alex attends the PyCon talks, which have no date in the announcement, so only his presentation is in it.
        var only = Assert.Single(calendar.Events);
        Assert.Equal("PyPy presentation at Dropbox", only.Summary);
        Assert.Equal(new DateTime(2011, 3, 15, 14, 0, 0, DateTimeKind.Utc), only.DtStart!.AsUtc); // 10:00 EDT
    }

    [Fact]
    public async Task The_schedule_page_lists_days_with_tour_stops_and_engagements_per_member()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var id = await NewRequestAsync(admin);
        People.Expect(await ScheduleAsync(admin, id, "2011-03-04T14:00", "2011-03-04T15:00", [Armin]), HttpStatusCode.Redirect);

        var all = await admin.GetPageAsync("/schedule");
        var entries = all.QuerySelectorAll("[data-testid=schedule-entry]").Select(e => e.TextContent).ToList();
        Assert.Contains(entries, e => e.Contains("16:15–17:45 PST", StringComparison.Ordinal) && e.Contains("Stanford talk", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Contains("14:00–15:00 PST", StringComparison.Ordinal) && e.Contains("Presentation at Yelp", StringComparison.Ordinal));

        var alex = await admin.GetPageAsync("/schedule?member=6");
        var alexEntries = alex.QuerySelectorAll("[data-testid=schedule-entry]").Select(e => e.TextContent).ToList();
        Assert.DoesNotContain(alexEntries, e => e.Contains("Yelp", StringComparison.Ordinal));
    }

    public void Dispose() => _app.Dispose();
}

public sealed class TeamAdminTests : IDisposable
{
    private readonly LeadsApp _app = new();

    [Fact]
    public async Task Admins_edit_stays_and_the_clash_check_follows_members_get_403()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var member = await People.MemberAsync(_app, admin, "Jacob Hallén", "jacob@example.org");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/team")).StatusCode);

        // Maciej's Bay Area stay (id 4) moves to begin on March 3: a March 4 booking no longer warns.
        var edited = await admin.PostFormAsync("/team", new Dictionary<string, string>
        {
            ["Area"] = "Bay Area", ["FromLocal"] = "2011-03-03T00:00", ["ToLocal"] = "2011-03-08T09:00",
        }, "/team/stays/4");
        People.Expect(edited, HttpStatusCode.Redirect, "/team");
        Assert.Equal(new DateTime(2011, 3, 3, 8, 0, 0, DateTimeKind.Utc), Db(_app, db => db.TeamStays.Single(s => s.Id == 4).FromUtc));

        var id = await NewRequestAsync(admin);
        People.Expect(await ScheduleAsync(admin, id, "2011-03-04T14:00", "2011-03-04T15:00", [Maciej]), HttpStatusCode.Redirect);

        var bad = await admin.PostFormAsync("/team", new Dictionary<string, string> { ["Area"] = "Mars", ["FromLocal"] = "2011-03-05T00:00", ["ToLocal"] = "2011-03-01T00:00" }, "/team/stays");
        var page = await bad.ReadPageAsync();
        Assert.True(page.FieldError("ToLocal") is not null, page.QuerySelector("main")?.TextContent);
        Assert.Equal("The end must be after the beginning.", page.FieldError("ToLocal"));
    }

    public void Dispose() => _app.Dispose();
}
