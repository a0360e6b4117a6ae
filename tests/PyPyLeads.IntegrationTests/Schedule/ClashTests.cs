using System.Net;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Schedule;
using static PyPyLeads.IntegrationTests.Schedule.ScheduleTestSteps;

namespace PyPyLeads.IntegrationTests.Schedule;

public sealed class ClashTests : IDisposable
{
    private readonly LeadsApp _app = new();

    private async Task<HttpClient> CoordinatorAsync()
    {
        var client = _app.Client();
        await People.SetUpAsync(client);
        return client;
    }

    private static Task<HttpResponseMessage> PlanMeetingAsync(HttpClient client, string company, string start, string end, int[] team, string area = "Bay Area", string place = "Zuni Café", bool confirm = false)
    {
        var fields = new Dictionary<string, string>
        {
            ["CompanyName"] = company, ["Kind"] = "Lunch", ["Area"] = area, ["Place"] = place, ["StartsLocal"] = start, ["EndsLocal"] = end,
        };
        if (confirm)
        {
            fields["ConfirmClashes"] = "true";
        }
        return client.PostListFormAsync("/meetings/new", "/meetings/new", fields, ("TeamMemberIds", team));
    }

    [Fact]
    public async Task A_meeting_with_Armin_at_16_30_on_March_2_clashes_with_his_Stanford_talk_and_saves_only_when_confirmed()
    {
        var client = await CoordinatorAsync();
        var warned = await PlanMeetingAsync(client, "Mozilla", "2011-03-02T16:30", "2011-03-02T17:30", [Armin]);
        Assert.Equal(HttpStatusCode.OK, warned.StatusCode);
        var warning = (await warned.ReadPageAsync()).QuerySelector("[data-testid=clash-warning]")!.TextContent;
        Assert.Contains("Armin Rigo is at the Stanford talk (Wed 2 Mar 16:15 PST)", warning, StringComparison.Ordinal);
        Assert.Equal(0, Db(_app, db => db.Meetings.Count()));

        var confirmed = await PlanMeetingAsync(client, "Mozilla", "2011-03-02T16:30", "2011-03-02T17:30", [Armin], confirm: true);
        People.Expect(confirmed, HttpStatusCode.Redirect);
        var meeting = Db(_app, db => db.Meetings.Single());
        Assert.Equal(new DateTime(2011, 3, 3, 0, 30, 0, DateTimeKind.Utc), meeting.StartsAtUtc);
        Assert.Contains("Booked despite", Db(_app, db => db.Timeline.Single(t => t.Kind == "meeting.planned").Details), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clash_says_how_long_a_talk_is_taken_to_last_the_travel_time_and_when_the_person_is_free_again()
    {
        var client = await CoordinatorAsync();

        var warned = await PlanMeetingAsync(client, "Mozilla", "2011-03-03T19:00", "2011-03-03T21:00", [Armin]);

        var warning = (await warned.ReadPageAsync()).QuerySelector("[data-testid=clash-warning]")!.TextContent;
        Assert.Contains("Armin Rigo is at the Yelp talk (Thu 3 Mar 18:00 PST): a talk is taken to last 90 minutes, so until 19:30, plus 30 minutes to travel. Free from 20:00.",
            warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_free_time_is_after_the_last_of_the_engagements_in_the_way_and_a_meeting_at_the_same_place_needs_no_travel()
    {
        var client = await CoordinatorAsync();
        People.Expect(await PlanMeetingAsync(client, "Yelp", "2011-03-04T12:00", "2011-03-04T13:00", [Laura], place: "Zuni Café"), HttpStatusCode.Redirect);
        People.Expect(await PlanMeetingAsync(client, "Dropbox", "2011-03-04T13:45", "2011-03-04T14:30", [Laura], place: "Dropbox HQ"), HttpStatusCode.Redirect);

        var warned = await PlanMeetingAsync(client, "Mozilla", "2011-03-04T12:30", "2011-03-04T13:30", [Laura], place: "Zuni Café");

        var warning = (await warned.ReadPageAsync()).QuerySelector("[data-testid=clash-warning]")!.TextContent;
        Assert.Contains("Laura Creighton has lunch with Yelp (Fri 4 Mar 12:00 PST): until 13:00, at the same place, so no travel. Free from 15:00.", warning, StringComparison.Ordinal);
        Assert.Contains("Laura Creighton has lunch with Dropbox (Fri 4 Mar 13:45 PST): until 14:30, plus 30 minutes to travel. Free from 15:00.", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Maciej_cannot_be_booked_on_March_4_because_he_arrives_on_March_6()
    {
        var client = await CoordinatorAsync();
        var warned = await PlanMeetingAsync(client, "Google", "2011-03-04T12:00", "2011-03-04T13:00", [Maciej]);
        var warning = (await warned.ReadPageAsync()).QuerySelector("[data-testid=clash-warning]")!.TextContent;
        Assert.Contains("Maciej Fijałkowski is not known to be in the Bay Area then.", warning, StringComparison.Ordinal);

        // On March 6 he is there and the sprint's second day is... the Noisebridge sprint, which he attends.
        var sprint = await PlanMeetingAsync(client, "Google", "2011-03-06T12:00", "2011-03-06T13:00", [Maciej]);
        Assert.Contains("Noisebridge mini sprint", (await sprint.ReadPageAsync()).QuerySelector("[data-testid=clash-warning]")!.TextContent, StringComparison.Ordinal);

        // In Atlanta on March 4 he is not either; Armin in the Bay Area on March 4 at noon is free.
        People.Expect(await PlanMeetingAsync(client, "Google", "2011-03-04T12:00", "2011-03-04T13:00", [Armin]), HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Two_engagements_of_one_person_clash_within_the_travel_time_but_not_after_it()
    {
        var client = await CoordinatorAsync();
        People.Expect(await PlanMeetingAsync(client, "Yelp", "2011-03-04T12:00", "2011-03-04T13:00", [Laura]), HttpStatusCode.Redirect);

        var id = await NewRequestAsync(client, "Dropbox");
        var tooClose = await ScheduleAsync(client, id, "2011-03-04T13:15", "2011-03-04T14:00", [Laura]);
        Assert.Contains("Laura Creighton has lunch with Yelp", (await tooClose.ReadPageAsync()).QuerySelector("[data-testid=clash-warning]")!.TextContent, StringComparison.Ordinal);

        People.Expect(await ScheduleAsync(client, id, "2011-03-04T13:30", "2011-03-04T14:30", [Laura]), HttpStatusCode.Redirect);
        // Rescheduling a presentation does not clash with itself.
        People.Expect(await ScheduleAsync(client, id, "2011-03-04T13:45", "2011-03-04T14:45", [Laura]), HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Times_are_entered_in_the_place_s_zone_and_stored_in_utc()
    {
        var client = await CoordinatorAsync();
        // The Google Tech Talk's hour, 11:30 Pacific on March 7, is 19:30 UTC.
        People.Expect(await PlanMeetingAsync(client, "Google", "2011-03-07T11:30", "2011-03-07T12:30", [Laura, Jacob()], confirm: true), HttpStatusCode.Redirect);
        var meeting = Db(_app, db => db.Meetings.Single());
        Assert.Equal(new DateTime(2011, 3, 7, 19, 30, 0, DateTimeKind.Utc), meeting.StartsAtUtc);
        Assert.Equal(DateTimeKind.Utc, meeting.StartsAtUtc.Kind);
        var page = await client.GetPageAsync($"/meetings/{meeting.Id}");
        Assert.Equal("Mon 7 Mar 2011, 11:30–12:30 PST", page.QuerySelector("[data-testid=meeting-when]")!.TextContent.Trim());

        // In Atlanta, after the switch to daylight saving time: 10:00 EDT on March 15 is 14:00 UTC.
        People.Expect(await PlanMeetingAsync(client, "Georgia Tech", "2011-03-15T10:00", "2011-03-15T11:00", [Laura], area: "Atlanta", place: "Hilton"), HttpStatusCode.Redirect);
        Assert.Equal(new DateTime(2011, 3, 15, 14, 0, 0, DateTimeKind.Utc), Db(_app, db => db.Meetings.OrderBy(m => m.Id).Last().StartsAtUtc));
    }

    private static int Jacob() => 4;

    [Fact]
    public async Task A_meeting_is_held_with_its_outcome_on_the_timeline_and_cannot_be_cancelled_after()
    {
        var client = await CoordinatorAsync();
        var planned = await PlanMeetingAsync(client, "Yelp", "2011-03-04T19:00", "2011-03-04T21:00", [Armin]);
        var id = planned.Headers.Location!.OriginalString.Split('/').Last();
        People.Expect(await client.PostFormAsync($"/meetings/{id}", new Dictionary<string, string> { ["Outcome"] = "They want a 3-month consulting deal" }, $"/meetings/{id}/held"), HttpStatusCode.Redirect);
        Assert.Equal(MeetingStatus.Held, Db(_app, db => db.Meetings.Single().Status));
        Assert.Equal("They want a 3-month consulting deal", Db(_app, db => db.Timeline.Single(t => t.Kind == "meeting.held").Details));
        Assert.Null((await client.GetPageAsync($"/meetings/{id}")).QuerySelector($"form[action='/meetings/{id}/cancel']"));
    }

    public void Dispose() => _app.Dispose();
}
