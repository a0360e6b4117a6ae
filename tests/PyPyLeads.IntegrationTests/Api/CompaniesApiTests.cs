using System.Net;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Tour;

namespace PyPyLeads.IntegrationTests.Api;

/// <summary>The companies' API: the list page's filters with keyset paging, one company, create with duplicate detection, update with If-Match.</summary>
public sealed class CompaniesApiTests : IAsyncLifetime
{
    private ApiWorld _api = null!;

    public async Task InitializeAsync() => _api = await ApiWorld.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task The_list_pages_by_its_next_link_and_filters_as_the_list_page_does()
    {
        for (var i = 1; i <= 55; i++)
        {
            await _api.World.CompanyAsync($"Company {i:000}", i % 5 == 0 ? Consultancy.OpenEndId : null);
        }

        var first = await (await _api.Admin.GetAsync("/api/v1/companies")).ExpectAsync(HttpStatusCode.OK);
        var next = first.GetProperty("next").GetString()!;
        var second = await (await _api.Admin.GetAsync(next)).ExpectAsync(HttpStatusCode.OK);
        var openEnd = await (await _api.Admin.GetAsync("/api/v1/companies?consultancy=1")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(50, first.GetProperty("items").GetArrayLength());
        Assert.Equal("Company 001", first.GetProperty("items")[0].GetProperty("name").GetString());
        Assert.Equal(["Company 051", "Company 052", "Company 053", "Company 054", "Company 055"],
            second.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("next").ValueKind);
        Assert.Equal(11, openEnd.GetProperty("items").GetArrayLength());
        Assert.All(openEnd.GetProperty("items").EnumerateArray(), c => Assert.Equal("Open End", c.GetProperty("consultancy").GetString()));
        await (await _api.Admin.GetAsync("/api/v1/companies?after=not-a-cursor!")).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task One_company_comes_with_its_people_its_latest_timeline_and_its_version_as_etag()
    {
        var created = await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/contacts", new { companyName = "Yelp", personName = "Jeremy Stoppelman", note = "Met after the talk" });
        var id = (await created.ExpectAsync(HttpStatusCode.Created)).GetProperty("companyId").GetInt32();

        var response = await _api.Merlinux.GetAsync($"/api/v1/companies/{id}");
        var company = await response.ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("Yelp", company.GetProperty("company").GetProperty("name").GetString());
        Assert.Equal("Jeremy Stoppelman", company.GetProperty("people")[0].GetProperty("name").GetString());
        Assert.Contains(company.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("summary").GetString()!.StartsWith("Met Jeremy Stoppelman", StringComparison.Ordinal));
        Assert.EndsWith("Z", company.GetProperty("timeline")[0].GetProperty("at").GetString(), StringComparison.Ordinal);
        Assert.Equal(company.GetProperty("company").GetProperty("version").GetInt64(), response.ETag());
        await (await _api.Merlinux.GetAsync("/api/v1/companies/9999")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Create_answers_201_with_the_company_and_409_with_the_matches_for_a_duplicate_name_or_domain()
    {
        var response = await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/companies", new { name = "Yelp", webDomain = "yelp.com", city = "San Francisco" });
        var yelp = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/companies/{yelp.GetProperty("id").GetInt32()}", response.Headers.Location?.OriginalString);

        var byName = await (await ApiTokens.PostAsync(_api.Merlinux, "/api/v1/companies", new { name = "yelp, inc." })).ExpectAsync(HttpStatusCode.Conflict);
        var byDomain = await (await ApiTokens.PostAsync(_api.Merlinux, "/api/v1/companies", new { name = "Yelp Europe", webDomain = "www.yelp.com" })).ExpectAsync(HttpStatusCode.Conflict);

        Assert.Equal(yelp.GetProperty("id").GetInt32(), byName.GetProperty("matches")[0].GetProperty("id").GetInt32());
        Assert.Equal(yelp.GetProperty("id").GetInt32(), byDomain.GetProperty("matches")[0].GetProperty("id").GetInt32());
        Assert.Equal(1, await _api.DbAsync(db => db.Companies.CountAsync()));
    }

    [Fact]
    public async Task Create_refuses_invalid_fields_with_400_and_the_validators_messages_by_field()
    {
        var problem = await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/companies", new { name = "", webDomain = "not a domain" })).ExpectAsync(HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("webDomain", out _), errors.ToString());
        Assert.Equal(0, await _api.DbAsync(db => db.Companies.CountAsync()));
        await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/companies", "{ not json")).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Create_sent_again_with_its_idempotency_key_answers_as_the_first_time_and_a_reused_key_with_another_body_is_422()
    {
        var first = await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/companies", new { name = "Yelp" }, key: "yelp-1")).ExpectAsync(HttpStatusCode.Created);
        var again = await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/companies", new { name = "Yelp" }, key: "yelp-1")).ExpectAsync(HttpStatusCode.Created);
        var other = await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/companies", new { name = "Initech" }, key: "yelp-1")).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/companies", new { name = "Initech" }, key: "not a key!")).ExpectAsync(HttpStatusCode.BadRequest);

        Assert.Equal(first.GetProperty("id").GetInt32(), again.GetProperty("id").GetInt32());
        Assert.Contains("different request", other.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(["Yelp"], await _api.DbAsync(db => db.Companies.Select(c => c.Name).ToListAsync()));
        // Another user's same key is their own.
        await (await ApiTokens.PostAsync(_api.Merlinux, "/api/v1/companies", new { name = "Initech" }, key: "yelp-1")).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Update_needs_if_match_and_refuses_a_stale_one_with_412_and_the_company_as_it_stands()
    {
        var created = await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/companies", new { name = "Yelp" });
        var id = (await created.ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetInt32();
        var version = created.ETag();

        await (await ApiTokens.SendAsync(_api.OpenEnd, HttpMethod.Put, $"/api/v1/companies/{id}", new { name = "Yelp" })).ExpectAsync((HttpStatusCode)428);
        var saved = await ApiTokens.SendAsync(_api.OpenEnd, HttpMethod.Put, $"/api/v1/companies/{id}", new { name = "Yelp", city = "San Francisco" }, version);
        Assert.Equal("San Francisco", (await saved.ExpectAsync(HttpStatusCode.OK)).GetProperty("city").GetString());
        Assert.NotEqual(version, saved.ETag());

        var stale = await (await ApiTokens.SendAsync(_api.Merlinux, HttpMethod.Put, $"/api/v1/companies/{id}", new { name = "Yelp", city = "Palo Alto" }, version))
            .ExpectAsync(HttpStatusCode.PreconditionFailed);

        Assert.Equal("San Francisco", stale.GetProperty("current").GetProperty("city").GetString());
        Assert.Equal("San Francisco", await _api.DbAsync(db => db.Companies.Where(c => c.Id == id).Select(c => c.City).SingleAsync()));
        var invalid = await (await ApiTokens.SendAsync(_api.OpenEnd, HttpMethod.Put, $"/api/v1/companies/{id}", new { name = "" }, saved.ETag())).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.True(invalid.GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task Delete_hides_a_company_an_admin_restores_it_with_if_match_and_merge_moves_another_into_it()
    {
        var yelp = await _api.World.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var yelpInc = await _api.World.CompanyAsync("Yelp Europe", null);
        await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/contacts", new { companyId = yelpInc, personName = "Jeremy Stoppelman" });

        await (await ApiTokens.SendAsync(_api.OpenEnd, HttpMethod.Delete, $"/api/v1/companies/{yelp}")).ExpectAsync(HttpStatusCode.NoContent);
        await (await _api.OpenEnd.GetAsync($"/api/v1/companies/{yelp}")).ExpectAsync(HttpStatusCode.NotFound);
        var version = await _api.DbAsync(db => db.Companies.Where(c => c.Id == yelp).Select(c => c.Version).SingleAsync());
        await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/companies/{yelp}/restore", null, version)).ExpectAsync(HttpStatusCode.Forbidden);
        var restored = await ApiTokens.PostAsync(_api.Admin, $"/api/v1/companies/{yelp}/restore", null, version, "restore-yelp");
        await restored.ExpectAsync(HttpStatusCode.OK);

        var other = await _api.OpenEnd.GetAsync($"/api/v1/companies/{yelpInc}");
        await other.ExpectAsync(HttpStatusCode.OK);
        await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/companies/{yelp}/merge", new { otherId = yelpInc, otherVersion = other.ETag() }, version))
            .ExpectAsync(HttpStatusCode.PreconditionFailed);
        var merged = await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/companies/{yelp}/merge", new { otherId = yelpInc, otherVersion = other.ETag() }, restored.ETag()))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(yelp, merged.GetProperty("id").GetInt32());
        Assert.Equal(1, await _api.DbAsync(db => db.People.CountAsync(p => p.CompanyId == yelp)));
    }

    [Fact]
    public async Task Unknown_addresses_under_the_api_answer_problem_json_not_the_html_error_page()
    {
        var response = await _api.Admin.GetAsync("/api/v1/nothing-here");

        await response.ExpectAsync(HttpStatusCode.NotFound);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await (await _api.Admin.GetAsync("/api/v1/companies/not-a-number")).ExpectAsync(HttpStatusCode.NotFound);
    }
}
