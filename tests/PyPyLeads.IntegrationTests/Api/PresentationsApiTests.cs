using System.Net;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Schedule;
using PyPyLeads.Tour;

namespace PyPyLeads.IntegrationTests.Api;

/// <summary>Presentation requests through the API: request, schedule (local times in its area, answered in UTC with the zone), deliver, decline, cancel.</summary>
public sealed class PresentationsApiTests : IAsyncLifetime
{
    private ApiWorld _api = null!;

    public async Task InitializeAsync() => _api = await ApiWorld.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static object Request(string company = "Mozilla") =>
        new { companyName = company, contactName = "Brendan Eich", contactEmail = "brendan@mozilla.example", city = "Mountain View", audienceSize = 40, topics = new[] { "JitSpeed", "Stackless" } };

    [Fact]
    public async Task A_request_is_scheduled_in_its_areas_local_time_and_answered_in_utc_with_the_zone()
    {
        var response = await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/presentations", Request(), key: "mozilla");
        var requested = await response.ExpectAsync(HttpStatusCode.Created);
        var id = requested.GetProperty("id").GetInt32();

        var scheduled = await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/presentations/{id}/schedule",
            new { area = "Bay Area", place = "Mozilla, Mountain View", startsLocal = "2011-03-08T14:00:00", endsLocal = "2011-03-08T15:30:00", teamMemberIds = new[] { 1, 2 }, confirmClashes = true },
            response.ETag())).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(["JitSpeed", "Stackless"], requested.GetProperty("topics").EnumerateArray().Select(t => t.GetString()!).ToArray());
        Assert.Equal("Requested", requested.GetProperty("status").GetString());
        Assert.Equal("Scheduled", scheduled.GetProperty("status").GetString());
        Assert.Equal("2011-03-08T22:00:00Z", scheduled.GetProperty("startsAt").GetString());
        Assert.Equal("America/Los_Angeles", scheduled.GetProperty("timeZone").GetString());
        Assert.Equal([1, 2], scheduled.GetProperty("presenterIds").EnumerateArray().Select(p => p.GetInt32()).ToArray());
    }

    [Fact]
    public async Task A_request_sent_again_with_its_key_is_recorded_once_and_missing_fields_are_named()
    {
        var first = await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/presentations", Request(), key: "mozilla")).ExpectAsync(HttpStatusCode.Created);
        var again = await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/presentations", Request(), key: "mozilla")).ExpectAsync(HttpStatusCode.Created);
        var invalid = await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/presentations", new { companyName = "Initech" })).ExpectAsync(HttpStatusCode.BadRequest);

        Assert.Equal(first.GetProperty("id").GetInt32(), again.GetProperty("id").GetInt32());
        Assert.Equal(1, await _api.DbAsync(db => db.PresentationRequests.CountAsync()));
        Assert.True(invalid.GetProperty("errors").TryGetProperty("contactName", out _), invalid.ToString());
    }

    [Fact]
    public async Task A_transition_its_status_does_not_allow_is_409_a_stale_if_match_is_412()
    {
        var lead = await _api.World.CompanyAsync("Mozilla", Consultancy.MerlinuxId);
        var (id, version) = await _api.DbAsync(db => Security.Seed.PresentationAsync(db, lead, PresentationStatus.Requested));

        var declined = await (await ApiTokens.PostAsync(_api.Merlinux, $"/api/v1/presentations/{id}/decline", new { reason = "No presenter free" }, version)).ExpectAsync(HttpStatusCode.OK);
        var notNow = await (await ApiTokens.PostAsync(_api.Merlinux, $"/api/v1/presentations/{id}/deliver", new { attendance = 10, confirmBeforeStart = true },
            declined.GetProperty("version").GetInt64())).ExpectAsync(HttpStatusCode.Conflict);
        var stale = await (await ApiTokens.PostAsync(_api.Merlinux, $"/api/v1/presentations/{id}/cancel", new { reason = "Gone" }, version)).ExpectAsync(HttpStatusCode.PreconditionFailed);
        var refused = await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/presentations/{id}/cancel", new { reason = "Gone" }, declined.GetProperty("version").GetInt64()))
            .ExpectAsync(HttpStatusCode.Forbidden);

        Assert.Equal("Declined", declined.GetProperty("status").GetString());
        Assert.Equal("Declined", notNow.GetProperty("current").GetProperty("status").GetString());
        Assert.Equal("Declined", stale.GetProperty("current").GetProperty("status").GetString());
        Assert.Equal(PresentationStatus.Declined, await _api.DbAsync(db => db.PresentationRequests.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));
    }

    [Fact]
    public async Task A_schedule_with_times_given_with_an_offset_is_refused_by_name()
    {
        var response = await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/presentations", Request());
        var id = (await response.ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetInt32();

        var refused = await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/presentations/{id}/schedule",
            new { area = "Bay Area", place = "Mozilla", startsLocal = "2011-03-08T14:00:00Z", endsLocal = "2011-03-08T15:30:00Z", teamMemberIds = new[] { 1 } },
            response.ETag())).ExpectAsync(HttpStatusCode.BadRequest);

        Assert.True(refused.GetProperty("errors").TryGetProperty("startsLocal", out _), refused.ToString());
    }
}
