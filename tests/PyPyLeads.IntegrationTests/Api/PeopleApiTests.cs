using System.Net;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.AccessTokens;
using PyPyLeads.Tour;

namespace PyPyLeads.IntegrationTests.Api;

/// <summary>People through the API: a company's people, one person, add (duplicate e-mail 409), edit with If-Match, merge; the pages' consultancy rule.</summary>
public sealed class PeopleApiTests : IAsyncLifetime
{
    private ApiWorld _api = null!;

    public async Task InitializeAsync() => _api = await ApiWorld.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task A_person_added_is_listed_at_their_company_and_read_with_their_version_as_etag()
    {
        var yelp = await _api.World.CompanyAsync("Yelp", Consultancy.OpenEndId);

        var response = await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/companies/{yelp}/people", new { name = " Jeremy Stoppelman ", role = "CEO", email = "jeremy@yelp.example" });
        var added = await response.ExpectAsync(HttpStatusCode.Created);
        var id = added.GetProperty("id").GetInt32();
        var list = await (await _api.Merlinux.GetAsync($"/api/v1/companies/{yelp}/people")).ExpectAsync(HttpStatusCode.OK);
        var one = await _api.Merlinux.GetAsync($"/api/v1/people/{id}");
        var person = await one.ExpectAsync(HttpStatusCode.OK);

        Assert.Equal($"/api/v1/people/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Jeremy Stoppelman", added.GetProperty("name").GetString());
        Assert.Equal(["Jeremy Stoppelman"], list.EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToArray());
        Assert.Equal((yelp, "Yelp", "CEO"), (person.GetProperty("companyId").GetInt32(), person.GetProperty("companyName").GetString(),
            person.GetProperty("person").GetProperty("role").GetString()));
        Assert.Equal(response.ETag(), one.ETag());
        await (await _api.Merlinux.GetAsync("/api/v1/people/9999")).ExpectAsync(HttpStatusCode.NotFound);
        await (await _api.Merlinux.GetAsync("/api/v1/companies/9999/people")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_email_address_someone_at_the_company_has_is_409_with_them_and_invalid_fields_are_400_by_field()
    {
        var yelp = await _api.World.CompanyAsync("Yelp", null);
        var jane = await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/companies/{yelp}/people", new { name = "Jane Doe", email = "jane@yelp.com" }))
            .ExpectAsync(HttpStatusCode.Created);

        var duplicate = await (await ApiTokens.PostAsync(_api.Merlinux, $"/api/v1/companies/{yelp}/people", new { name = "Jane Again", email = "Jane@Yelp.com" }))
            .ExpectAsync(HttpStatusCode.Conflict);
        var invalid = await (await ApiTokens.PostAsync(_api.Merlinux, $"/api/v1/companies/{yelp}/people", new { name = "", email = "not an address" }))
            .ExpectAsync(HttpStatusCode.BadRequest);

        Assert.Equal("email", duplicate.GetProperty("field").GetString());
        Assert.Equal(jane.GetProperty("id").GetInt32(), duplicate.GetProperty("matches")[0].GetProperty("id").GetInt32());
        Assert.True(invalid.GetProperty("errors").TryGetProperty("name", out _), invalid.ToString());
        Assert.True(invalid.GetProperty("errors").TryGetProperty("email", out _), invalid.ToString());
        Assert.Equal(1, await _api.DbAsync(db => db.People.CountAsync()));
    }

    [Fact]
    public async Task An_add_sent_again_with_its_idempotency_key_answers_the_same_person_and_adds_nobody_twice()
    {
        var yelp = await _api.World.CompanyAsync("Yelp", null);

        var first = await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/companies/{yelp}/people", new { name = "Jeremy Stoppelman" }, key: "jeremy-1"))
            .ExpectAsync(HttpStatusCode.Created);
        var again = await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/companies/{yelp}/people", new { name = "Jeremy Stoppelman" }, key: "jeremy-1"))
            .ExpectAsync(HttpStatusCode.Created);
        await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/companies/{yelp}/people", new { name = "Someone Else" }, key: "jeremy-1"))
            .ExpectAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal(first.GetProperty("id").GetInt32(), again.GetProperty("id").GetInt32());
        Assert.Equal(["Jeremy Stoppelman"], await _api.DbAsync(db => db.People.Select(p => p.Name).ToListAsync()));
    }

    [Fact]
    public async Task A_member_of_the_other_consultancy_and_a_read_only_token_may_not_add_or_edit()
    {
        var yelp = await _api.World.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var response = await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/companies/{yelp}/people", new { name = "Jeremy Stoppelman" });
        var id = (await response.ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetInt32();
        using var readOnly = ApiTokens.Client(_api.World, await ApiTokens.MakeAsync(_api.World, await _api.World.UserIdAsync("jacob@openend.se"), AccessTokenScope.ReadOnly));

        await (await ApiTokens.PostAsync(_api.Merlinux, $"/api/v1/companies/{yelp}/people", new { name = "Someone Else" })).ExpectAsync(HttpStatusCode.Forbidden);
        await (await ApiTokens.SendAsync(_api.Merlinux, HttpMethod.Put, $"/api/v1/people/{id}", new { name = "Renamed" }, response.ETag())).ExpectAsync(HttpStatusCode.Forbidden);
        await (await ApiTokens.PostAsync(readOnly, $"/api/v1/companies/{yelp}/people", new { name = "Someone Else" })).ExpectAsync(HttpStatusCode.Forbidden);
        await (await ApiTokens.SendAsync(readOnly, HttpMethod.Put, $"/api/v1/people/{id}", new { name = "Renamed" }, response.ETag())).ExpectAsync(HttpStatusCode.Forbidden);
        await (await readOnly.GetAsync($"/api/v1/people/{id}")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(["Jeremy Stoppelman"], await _api.DbAsync(db => db.People.Select(p => p.Name).ToListAsync()));
    }

    [Fact]
    public async Task An_edit_needs_if_match_and_a_stale_one_is_412_with_the_person_as_they_stand()
    {
        var yelp = await _api.World.CompanyAsync("Yelp", null);
        var response = await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/companies/{yelp}/people", new { name = "Jeremy Stoppelman" });
        var id = (await response.ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetInt32();
        var version = response.ETag();

        await (await ApiTokens.SendAsync(_api.OpenEnd, HttpMethod.Put, $"/api/v1/people/{id}", new { name = "Jeremy Stoppelman", role = "CEO" })).ExpectAsync((HttpStatusCode)428);
        var saved = await ApiTokens.SendAsync(_api.OpenEnd, HttpMethod.Put, $"/api/v1/people/{id}", new { name = "Jeremy Stoppelman", role = "CEO" }, version);
        Assert.Equal("CEO", (await saved.ExpectAsync(HttpStatusCode.OK)).GetProperty("role").GetString());
        var stale = await (await ApiTokens.SendAsync(_api.Merlinux, HttpMethod.Put, $"/api/v1/people/{id}", new { name = "Jeremy Stoppelman", role = "CTO" }, version))
            .ExpectAsync(HttpStatusCode.PreconditionFailed);
        var invalid = await (await ApiTokens.SendAsync(_api.OpenEnd, HttpMethod.Put, $"/api/v1/people/{id}", new { name = "" }, saved.ETag())).ExpectAsync(HttpStatusCode.BadRequest);

        Assert.NotEqual(version, saved.ETag());
        Assert.Equal("CEO", stale.GetProperty("current").GetProperty("role").GetString());
        Assert.True(invalid.GetProperty("errors").TryGetProperty("name", out _), invalid.ToString());
        Assert.Equal("CEO", await _api.DbAsync(db => db.People.Where(p => p.Id == id).Select(p => p.Role).SingleAsync()));
    }

    [Fact]
    public async Task A_merge_keeps_the_person_addressed_refuses_stale_versions_and_a_replay_answers_as_the_first_time()
    {
        var yelp = await _api.World.CompanyAsync("Yelp", null);
        var keep = await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/companies/{yelp}/people", new { name = "Jeremy Stoppelman" });
        var keepId = (await keep.ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetInt32();
        var other = await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/companies/{yelp}/people", new { name = "J. Stoppelman", email = "jeremy@yelp.example" });
        var otherId = (await other.ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetInt32();

        await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/people/{keepId}/merge", new { otherId = keepId, otherVersion = keep.ETag() }, keep.ETag()))
            .ExpectAsync(HttpStatusCode.BadRequest);
        await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/people/{keepId}/merge", new { otherId, otherVersion = other.ETag() }, keep.ETag() + 1))
            .ExpectAsync(HttpStatusCode.PreconditionFailed);
        var merged = await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/people/{keepId}/merge", new { otherId, otherVersion = other.ETag() }, keep.ETag(), "merge-jeremy"))
            .ExpectAsync(HttpStatusCode.OK);
        var again = await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/people/{keepId}/merge", new { otherId, otherVersion = other.ETag() }, keep.ETag(), "merge-jeremy"))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal((keepId, "jeremy@yelp.example"), (merged.GetProperty("id").GetInt32(), merged.GetProperty("email").GetString()));
        Assert.Equal(merged.ToString(), again.ToString());
        Assert.Equal([keepId], await _api.DbAsync(db => db.People.Where(p => p.DeletedAtUtc == null).Select(p => p.Id).ToListAsync()));
        await (await _api.OpenEnd.GetAsync($"/api/v1/people/{otherId}")).ExpectAsync(HttpStatusCode.NotFound);
    }
}
