using System.Net;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.AccessTokens;
using PyPyLeads.Schedule;
using PyPyLeads.Tour;

namespace PyPyLeads.IntegrationTests.Api;

/// <summary>Meetings through the API: plan (clash warnings as 409 until confirmed), list and read, reschedule with If-Match, held and cancelled.</summary>
public sealed class MeetingsApiTests : IAsyncLifetime
{
    private ApiWorld _api = null!;

    public async Task InitializeAsync() => _api = await ApiWorld.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static object Lunch(int companyId, string starts = "2011-03-04T12:30:00", string ends = "2011-03-04T14:00:00", bool confirm = false) =>
        new { companyId, kind = "Lunch", area = "Bay Area", place = "Zuni Café", startsLocal = starts, endsLocal = ends, teamMemberIds = new[] { 1 }, confirmClashes = confirm };

    [Fact]
    public async Task A_lunch_is_planned_in_its_areas_local_time_answered_in_utc_and_listed_as_upcoming_at_its_company()
    {
        var yelp = await _api.World.CompanyAsync("Yelp", Consultancy.OpenEndId);

        var response = await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/meetings", Lunch(yelp), key: "lunch-yelp");
        var planned = await response.ExpectAsync(HttpStatusCode.Created);
        var id = planned.GetProperty("id").GetInt32();
        var again = await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/meetings", Lunch(yelp), key: "lunch-yelp")).ExpectAsync(HttpStatusCode.Created);
        var upcoming = await (await _api.Merlinux.GetAsync($"/api/v1/meetings?upcoming=true&companyId={yelp}")).ExpectAsync(HttpStatusCode.OK);
        var elsewhere = await (await _api.Merlinux.GetAsync("/api/v1/meetings?companyId=9999")).ExpectAsync(HttpStatusCode.OK);
        var one = await _api.Merlinux.GetAsync($"/api/v1/meetings/{id}");

        Assert.Equal($"/api/v1/meetings/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(("Planned", "2011-03-04T20:30:00Z", "America/Los_Angeles"),
            (planned.GetProperty("status").GetString(), planned.GetProperty("startsAt").GetString(), planned.GetProperty("timeZone").GetString()));
        Assert.Equal(id, again.GetProperty("id").GetInt32());
        Assert.Equal(1, await _api.DbAsync(db => db.Meetings.CountAsync()));
        Assert.Equal([id], upcoming.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("id").GetInt32()).ToArray());
        Assert.Equal(0, elsewhere.GetProperty("items").GetArrayLength());
        await one.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(response.ETag(), one.ETag());
        await (await _api.Merlinux.GetAsync("/api/v1/meetings/9999")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_team_member_booked_then_is_a_409_with_the_clash_until_confirmed_and_fields_are_named_when_invalid()
    {
        var yelp = await _api.World.CompanyAsync("Yelp", null);
        var mozilla = await _api.World.CompanyAsync("Mozilla", null);
        await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/meetings", Lunch(yelp, confirm: true))).ExpectAsync(HttpStatusCode.Created);

        var clash = await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/meetings", Lunch(mozilla))).ExpectAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, await _api.DbAsync(db => db.Meetings.CountAsync()));
        await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/meetings", Lunch(mozilla, confirm: true))).ExpectAsync(HttpStatusCode.Created);
        var invalid = await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/meetings", new { companyId = yelp, kind = "Lunch", area = "Bay Area" }))
            .ExpectAsync(HttpStatusCode.BadRequest);
        var offset = await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/meetings", Lunch(yelp, "2011-03-05T12:00:00Z", "2011-03-05T13:00:00Z")))
            .ExpectAsync(HttpStatusCode.BadRequest);

        Assert.Equal(1, clash.GetProperty("matches")[0].GetProperty("teamMemberId").GetInt32());
        Assert.True(invalid.GetProperty("errors").TryGetProperty("place", out _), invalid.ToString());
        Assert.True(invalid.GetProperty("errors").TryGetProperty("teamMemberIds", out _), invalid.ToString());
        Assert.True(offset.GetProperty("errors").TryGetProperty("startsLocal", out _), offset.ToString());
        Assert.Equal(2, await _api.DbAsync(db => db.Meetings.CountAsync()));
    }

    [Fact]
    public async Task A_member_of_the_other_consultancy_and_a_read_only_token_may_not_plan_or_change_a_meeting()
    {
        var yelp = await _api.World.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var response = await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/meetings", Lunch(yelp, confirm: true));
        var id = (await response.ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetInt32();
        using var readOnly = ApiTokens.Client(_api.World, await ApiTokens.MakeAsync(_api.World, await _api.World.UserIdAsync("jacob@openend.se"), AccessTokenScope.ReadOnly));

        await (await ApiTokens.PostAsync(_api.Merlinux, "/api/v1/meetings", Lunch(yelp, "2011-03-05T12:30:00", "2011-03-05T14:00:00", true))).ExpectAsync(HttpStatusCode.Forbidden);
        await (await ApiTokens.PostAsync(_api.Merlinux, $"/api/v1/meetings/{id}/cancel", new { outcome = "Not ours" }, response.ETag())).ExpectAsync(HttpStatusCode.Forbidden);
        await (await ApiTokens.PostAsync(readOnly, "/api/v1/meetings", Lunch(yelp, "2011-03-05T12:30:00", "2011-03-05T14:00:00", true))).ExpectAsync(HttpStatusCode.Forbidden);
        await (await ApiTokens.PostAsync(readOnly, $"/api/v1/meetings/{id}/cancel", new { outcome = "Changed my mind" }, response.ETag())).ExpectAsync(HttpStatusCode.Forbidden);

        Assert.Equal([MeetingStatus.Planned], await _api.DbAsync(db => db.Meetings.Select(m => m.Status).ToListAsync()));
    }

    [Fact]
    public async Task A_reschedule_needs_a_current_if_match_and_a_closed_meeting_is_409_not_412()
    {
        var yelp = await _api.World.CompanyAsync("Yelp", null);
        var response = await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/meetings", Lunch(yelp, confirm: true));
        var id = (await response.ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetInt32();
        var dinner = new { kind = "Dinner", area = "Bay Area", place = "Zuni Café", startsLocal = "2011-03-04T19:00:00", endsLocal = "2011-03-04T21:00:00", teamMemberIds = new[] { 1 }, confirmClashes = true };

        await (await ApiTokens.SendAsync(_api.OpenEnd, HttpMethod.Put, $"/api/v1/meetings/{id}", dinner)).ExpectAsync((HttpStatusCode)428);
        var moved = await ApiTokens.SendAsync(_api.OpenEnd, HttpMethod.Put, $"/api/v1/meetings/{id}", dinner, response.ETag());
        Assert.Equal("Dinner", (await moved.ExpectAsync(HttpStatusCode.OK)).GetProperty("kind").GetString());
        var stale = await (await ApiTokens.SendAsync(_api.OpenEnd, HttpMethod.Put, $"/api/v1/meetings/{id}", dinner, response.ETag())).ExpectAsync(HttpStatusCode.PreconditionFailed);
        var held = await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/meetings/{id}/held", new { outcome = "They want a quote" }, moved.ETag(), "held-1");
        var heldBody = await held.ExpectAsync(HttpStatusCode.OK);
        var replay = await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/meetings/{id}/held", new { outcome = "They want a quote" }, moved.ETag(), "held-1"))
            .ExpectAsync(HttpStatusCode.OK);
        var closed = await (await ApiTokens.SendAsync(_api.OpenEnd, HttpMethod.Put, $"/api/v1/meetings/{id}", dinner, held.ETag())).ExpectAsync(HttpStatusCode.Conflict);
        var noOutcome = await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/meetings/{id}/cancel", new { outcome = "" }, held.ETag())).ExpectAsync(HttpStatusCode.Conflict);

        Assert.Equal("Planned", stale.GetProperty("current").GetProperty("status").GetString());
        Assert.Equal(("Held", "They want a quote"), (heldBody.GetProperty("status").GetString(), heldBody.GetProperty("outcome").GetString()));
        Assert.Equal(heldBody.ToString(), replay.ToString());
        Assert.Equal("Held", closed.GetProperty("current").GetProperty("status").GetString());
        Assert.Equal("Held", noOutcome.GetProperty("current").GetProperty("status").GetString());
        Assert.Equal(1, await _api.DbAsync(db => db.Timeline.CountAsync(t => t.Kind.StartsWith("meeting.held"))));
    }

    [Fact]
    public async Task Closing_without_an_outcome_is_400_by_field_and_cancelling_says_why()
    {
        var yelp = await _api.World.CompanyAsync("Yelp", null);
        var response = await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/meetings", Lunch(yelp, confirm: true));
        var id = (await response.ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetInt32();

        var invalid = await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/meetings/{id}/cancel", new { outcome = "" }, response.ETag())).ExpectAsync(HttpStatusCode.BadRequest);
        var cancelled = await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/meetings/{id}/cancel", new { outcome = "They moved it to April" }, response.ETag()))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.True(invalid.GetProperty("errors").TryGetProperty("outcome", out _), invalid.ToString());
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
    }
}
