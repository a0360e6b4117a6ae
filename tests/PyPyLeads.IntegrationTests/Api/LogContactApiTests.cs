using System.Net;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Tour;

namespace PyPyLeads.IntegrationTests.Api;

/// <summary>Log a contact through the API: one call, as the phone form, with its duplicate rules, follow-up and idempotency.</summary>
public sealed class LogContactApiTests : IAsyncLifetime
{
    private ApiWorld _api = null!;

    public async Task InitializeAsync() => _api = await ApiWorld.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static object Contact(string company = "Yelp", string domain = "yelp.com", object? followUp = null) => new
    {
        tourStopId = 1, confirmStopAhead = true, companyName = company, companyDomain = domain, personName = "Jeremy Stoppelman", personRole = "CEO",
        interests = new[] { "Consulting", "Hiring" }, note = "Wants the JIT for their search backend", followUp,
    };

    [Fact]
    public async Task One_call_logs_the_company_the_person_the_encounter_and_the_follow_up()
    {
        var response = await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/contacts",
            Contact(followUp: new { dueAt = "2011-03-10T09:00:00-08:00", note = "Send the offer" }));
        var logged = await response.ExpectAsync(HttpStatusCode.Created);
        var companyId = logged.GetProperty("companyId").GetInt32();

        Assert.Equal($"/api/v1/companies/{companyId}", response.Headers.Location?.OriginalString);
        Assert.Contains("A follow-up is scheduled", logged.GetProperty("message").GetString(), StringComparison.Ordinal);
        var (people, encounters, followUp) = await _api.DbAsync(async db => (
            await db.People.CountAsync(p => p.CompanyId == companyId), await db.Encounters.CountAsync(e => e.CompanyId == companyId),
            await db.FollowUps.SingleAsync(f => f.CompanyId == companyId)));
        Assert.Equal((1, 1), (people, encounters));
        Assert.Equal(new DateTime(2011, 3, 10, 17, 0, 0, DateTimeKind.Utc), followUp.DueAtUtc);
        Assert.Equal(await _api.World.UserIdAsync("jacob@openend.se"), followUp.OwnerUserId);
    }

    [Fact]
    public async Task A_company_already_here_answers_409_with_the_match_and_choosing_it_logs_the_contact_there()
    {
        var yelp = await _api.World.CompanyAsync("Yelp", Consultancy.OpenEndId);

        var duplicate = await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/contacts", Contact("Yelp Inc."))).ExpectAsync(HttpStatusCode.Conflict);
        Assert.Equal(yelp, duplicate.GetProperty("matches")[0].GetProperty("id").GetInt32());

        var logged = await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/contacts", new { companyId = yelp, personName = "Jeremy Stoppelman" })).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(yelp, logged.GetProperty("companyId").GetInt32());
        Assert.Equal(1, await _api.DbAsync(db => db.Companies.CountAsync()));
    }

    [Fact]
    public async Task Bad_input_is_refused_by_field_and_nothing_is_saved()
    {
        var problem = await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/contacts", new
        {
            tourStopId = 99, companyName = "", personEmail = "not-an-address", followUp = new { dueAt = "2011-12-01T09:00:00Z" },
        })).ExpectAsync(HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "tourStopId", "companyName", "personEmail" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"{field}: {errors}");
        }
        Assert.Equal(0, await _api.DbAsync(db => db.Companies.CountAsync()));
    }

    [Fact]
    public async Task A_follow_up_after_the_eurostars_end_is_refused_on_its_due_field()
    {
        var problem = await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/contacts", Contact(followUp: new { dueAt = "2011-12-01T09:00:00Z" })))
            .ExpectAsync(HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("followUp.dueAt", out _), problem.ToString());
        Assert.Equal(0, await _api.DbAsync(db => db.Companies.CountAsync()));
    }

    [Fact]
    public async Task A_contact_sent_again_with_its_key_is_logged_once()
    {
        var first = await (await ApiTokens.PostAsync(_api.Merlinux, "/api/v1/contacts", Contact(), key: "hallway-1")).ExpectAsync(HttpStatusCode.Created);
        var again = await (await ApiTokens.PostAsync(_api.Merlinux, "/api/v1/contacts", Contact(), key: "hallway-1")).ExpectAsync(HttpStatusCode.Created);
        await (await ApiTokens.PostAsync(_api.Merlinux, "/api/v1/contacts", Contact("Initech", "initech.com"), key: "hallway-1")).ExpectAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal(first.GetProperty("companyId").GetInt32(), again.GetProperty("companyId").GetInt32());
        Assert.Equal(1, await _api.DbAsync(db => db.Encounters.CountAsync()));
        Assert.Equal(1, await _api.DbAsync(db => db.Companies.CountAsync()));
    }
}
