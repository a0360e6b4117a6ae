using System.Net;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.FollowUps;
using PyPyLeads.Tour;

namespace PyPyLeads.IntegrationTests.Api;

/// <summary>The follow-ups' API: mine (open, overdue, due today), schedule, complete, snooze, cancel.</summary>
public sealed class FollowUpsApiTests : IAsyncLifetime
{
    private ApiWorld _api = null!;

    public async Task InitializeAsync() => _api = await ApiWorld.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private async Task<(int Id, long Version)> ScheduleAsync(HttpClient client, int companyId, string dueAt, string? key = null)
    {
        var response = await ApiTokens.PostAsync(client, "/api/v1/followups", new { companyId, dueAt, note = "Call about the proposal" }, key: key);
        var followUp = await response.ExpectAsync(HttpStatusCode.Created);
        return (followUp.GetProperty("id").GetInt32(), response.ETag());
    }

    [Fact]
    public async Task Scheduling_answers_the_instant_in_utc_with_the_owners_time_zone_and_refuses_one_after_the_eurostars_end()
    {
        var lead = await _api.World.CompanyAsync("Yelp", Consultancy.OpenEndId);

        var response = await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/followups", new { companyId = lead, dueAt = "2011-03-10T09:00:00-08:00" });
        var followUp = await response.ExpectAsync(HttpStatusCode.Created);
        var late = await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/followups", new { companyId = lead, dueAt = "2011-12-01T09:00:00Z" })).ExpectAsync(HttpStatusCode.BadRequest);

        Assert.Equal("2011-03-10T17:00:00Z", followUp.GetProperty("dueAt").GetString());
        Assert.Equal("America/Los_Angeles", followUp.GetProperty("timeZone").GetString());
        Assert.Equal("Scheduled", followUp.GetProperty("state").GetString());
        Assert.True(late.GetProperty("errors").TryGetProperty("dueAt", out _), late.ToString());
        Assert.Equal(1, await _api.DbAsync(db => db.FollowUps.CountAsync()));
    }

    [Fact]
    public async Task Mine_lists_my_open_follow_ups_overdue_and_due_by_the_end_of_my_day()
    {
        var lead = await _api.World.CompanyAsync("Yelp", Consultancy.OpenEndId);
        await ScheduleAsync(_api.OpenEnd, lead, "2011-03-02T18:00:00Z");   // in an hour
        await ScheduleAsync(_api.OpenEnd, lead, "2011-03-09T18:00:00Z");   // next week
        await ScheduleAsync(_api.Merlinux, await _api.World.CompanyAsync("Initech", null), "2011-03-02T18:00:00Z"); // Holger's, not mine
        _api.World.Clock.Advance(TimeSpan.FromHours(2));

        var overdue = await (await _api.OpenEnd.GetAsync("/api/v1/followups?which=overdue")).ExpectAsync(HttpStatusCode.OK);
        var due = await (await _api.OpenEnd.GetAsync("/api/v1/followups?which=due")).ExpectAsync(HttpStatusCode.OK);
        var open = await (await _api.OpenEnd.GetAsync("/api/v1/followups")).ExpectAsync(HttpStatusCode.OK);

        Assert.True(Assert.Single(overdue.GetProperty("items").EnumerateArray()).GetProperty("overdue").GetBoolean());
        Assert.Single(due.GetProperty("items").EnumerateArray());
        Assert.Equal(2, open.GetProperty("items").GetArrayLength());
        await (await _api.OpenEnd.GetAsync("/api/v1/followups?which=someday")).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Complete_snooze_and_cancel_need_if_match_refuse_a_stale_one_and_answer_a_repeat_with_its_key_as_the_first_time()
    {
        var lead = await _api.World.CompanyAsync("Yelp", null);
        var (done, doneVersion) = await ScheduleAsync(_api.Merlinux, lead, "2011-03-05T09:00:00Z");
        var (snoozed, snoozedVersion) = await ScheduleAsync(_api.Merlinux, lead, "2011-03-05T10:00:00Z");
        var (cancelled, cancelledVersion) = await ScheduleAsync(_api.Merlinux, lead, "2011-03-05T11:00:00Z");

        await (await ApiTokens.PostAsync(_api.Merlinux, $"/api/v1/followups/{done}/complete", null)).ExpectAsync((HttpStatusCode)428);
        var completed = await (await ApiTokens.PostAsync(_api.Merlinux, $"/api/v1/followups/{done}/complete", null, doneVersion, "done-1")).ExpectAsync(HttpStatusCode.OK);
        var repeat = await (await ApiTokens.PostAsync(_api.Merlinux, $"/api/v1/followups/{done}/complete", null, doneVersion, "done-1")).ExpectAsync(HttpStatusCode.OK);
        var stale = await (await ApiTokens.PostAsync(_api.Merlinux, $"/api/v1/followups/{done}/cancel", null, doneVersion)).ExpectAsync(HttpStatusCode.PreconditionFailed);
        var snooze = await (await ApiTokens.PostAsync(_api.Merlinux, $"/api/v1/followups/{snoozed}/snooze", new { @for = "1h" }, snoozedVersion)).ExpectAsync(HttpStatusCode.OK);
        var badSnooze = await (await ApiTokens.PostAsync(_api.Merlinux, $"/api/v1/followups/{snoozed}/snooze", new { @for = "a year" }, snooze.GetProperty("version").GetInt64()))
            .ExpectAsync(HttpStatusCode.BadRequest);
        var cancel = await (await ApiTokens.PostAsync(_api.Merlinux, $"/api/v1/followups/{cancelled}/cancel", null, cancelledVersion)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("Done", completed.GetProperty("state").GetString());
        Assert.Equal(completed.GetProperty("version").GetInt64(), repeat.GetProperty("version").GetInt64());
        Assert.Equal("Done", stale.GetProperty("current").GetProperty("state").GetString());
        Assert.Equal("2011-03-02T18:00:00Z", snooze.GetProperty("dueAt").GetString());
        Assert.True(badSnooze.GetProperty("errors").TryGetProperty("for", out _), badSnooze.ToString());
        Assert.Equal("Cancelled", cancel.GetProperty("state").GetString());
        Assert.Equal(FollowUpState.Done, await _api.DbAsync(db => db.FollowUps.Where(f => f.Id == done).Select(f => f.State).SingleAsync()));
    }

    [Fact]
    public async Task A_follow_up_scheduled_again_with_its_key_is_scheduled_once()
    {
        var lead = await _api.World.CompanyAsync("Yelp", Consultancy.OpenEndId);

        var first = await ScheduleAsync(_api.OpenEnd, lead, "2011-03-05T09:00:00Z", "call-yelp");
        var again = await ScheduleAsync(_api.OpenEnd, lead, "2011-03-05T09:00:00Z", "call-yelp");

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(1, await _api.DbAsync(db => db.FollowUps.CountAsync()));
    }
}
