using System.Net;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Deals;
using PyPyLeads.Tour;

namespace PyPyLeads.IntegrationTests.Api;

/// <summary>The deals' API: list by stage and consultancy, open, edit with If-Match, move stage once per Idempotency-Key.</summary>
public sealed class DealsApiTests : IAsyncLifetime
{
    private ApiWorld _api = null!;

    public async Task InitializeAsync() => _api = await ApiWorld.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static object NewDeal(int companyId, string value = "12000.5", string currency = "EUR") =>
        new { companyId, kind = "Consulting", title = "JIT for search", value, currency, expectedCloseOn = "2011-06-30" };

    [Fact]
    public async Task A_member_opens_a_deal_on_their_lead_and_gets_money_as_a_decimal_string_with_its_currency()
    {
        var lead = await _api.World.CompanyAsync("Yelp", Consultancy.OpenEndId);

        var response = await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/deals", NewDeal(lead, "12000.5", "USD"));
        var deal = await response.ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("12000.50", deal.GetProperty("value").GetProperty("amount").GetString());
        Assert.Equal("USD", deal.GetProperty("value").GetProperty("currency").GetString());
        Assert.Equal("New", deal.GetProperty("stage").GetString());
        Assert.Equal("2011-06-30", deal.GetProperty("expectedCloseOn").GetString());
        Assert.Equal(deal.GetProperty("version").GetInt64(), response.ETag());
    }

    [Fact]
    public async Task Opening_refuses_bad_fields_by_name_and_another_consultancys_lead_with_403()
    {
        var lead = await _api.World.CompanyAsync("Yelp", Consultancy.OpenEndId);

        var invalid = await (await ApiTokens.PostAsync(_api.OpenEnd, "/api/v1/deals", NewDeal(lead, "lots", "XYZ"))).ExpectAsync(HttpStatusCode.BadRequest);
        var refused = await (await ApiTokens.PostAsync(_api.Merlinux, "/api/v1/deals", NewDeal(lead))).ExpectAsync(HttpStatusCode.Forbidden);

        Assert.True(invalid.GetProperty("errors").TryGetProperty("value", out _), invalid.ToString());
        Assert.True(invalid.GetProperty("errors").TryGetProperty("currency", out _), invalid.ToString());
        Assert.Contains("Open End", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await _api.DbAsync(db => db.Deals.CountAsync()));
    }

    [Fact]
    public async Task The_list_filters_by_stage_and_consultancy()
    {
        var oe = await _api.World.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var ml = await _api.World.CompanyAsync("Google", Consultancy.MerlinuxId);
        await _api.World.DealAsync(oe, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Qualified);
        await _api.World.DealAsync(oe, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Won);
        await _api.World.DealAsync(ml, Consultancy.MerlinuxId, "holger@merlinux.eu", DealStage.Qualified);

        var qualified = await (await _api.Admin.GetAsync("/api/v1/deals?stage=Qualified")).ExpectAsync(HttpStatusCode.OK);
        var openEndQualified = await (await _api.Admin.GetAsync("/api/v1/deals?stage=Qualified&consultancy=1")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(2, qualified.GetProperty("items").GetArrayLength());
        Assert.Equal("Yelp", Assert.Single(openEndQualified.GetProperty("items").EnumerateArray()).GetProperty("companyName").GetString());
    }

    [Fact]
    public async Task Edit_needs_the_current_version_a_stale_one_is_412_and_changes_nothing()
    {
        var lead = await _api.World.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var id = await _api.World.DealAsync(lead, Consultancy.OpenEndId, "jacob@openend.se");
        var read = await _api.OpenEnd.GetAsync($"/api/v1/deals/{id}");
        await read.ExpectAsync(HttpStatusCode.OK);
        var body = new { kind = "Consulting", title = "Bigger", value = "20000", currency = "EUR", expectedCloseOn = "2011-07-31" };

        var saved = await (await ApiTokens.SendAsync(_api.OpenEnd, HttpMethod.Put, $"/api/v1/deals/{id}", body, read.ETag())).ExpectAsync(HttpStatusCode.OK);
        var stale = await ApiTokens.SendAsync(_api.OpenEnd, HttpMethod.Put, $"/api/v1/deals/{id}", body with { }, read.ETag());

        Assert.Equal("20000.00", saved.GetProperty("value").GetProperty("amount").GetString());
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        await (await ApiTokens.SendAsync(_api.OpenEnd, HttpMethod.Put, $"/api/v1/deals/{id}", body)).ExpectAsync((HttpStatusCode)428);
    }

    [Fact]
    public async Task A_move_sent_again_with_its_key_answers_as_the_first_time_without_moving_twice()
    {
        var lead = await _api.World.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var id = await _api.World.DealAsync(lead, Consultancy.OpenEndId, "jacob@openend.se");
        var version = (await _api.World.ReadDealAsync(id)).Version;

        var first = await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/deals/{id}/move", new { stage = "Won" }, version, "win-1")).ExpectAsync(HttpStatusCode.OK);
        var again = await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/deals/{id}/move", new { stage = "Won" }, version, "win-1")).ExpectAsync(HttpStatusCode.OK);
        var stale = await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/deals/{id}/move", new { stage = "Lost", lostReason = "Budget" }, version, "lose-1");

        Assert.Equal("Won", first.GetProperty("stage").GetString());
        Assert.Equal("Won", again.GetProperty("stage").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, first.GetProperty("closedAt").ValueKind);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(1, (await _api.World.ReadDealAsync(id)).StageChanges.Count(c => c.ToStage == DealStage.Won));
        var lost = await (await ApiTokens.PostAsync(_api.OpenEnd, $"/api/v1/deals/{id}/move", new { stage = "Lost" }, first.GetProperty("version").GetInt64()))
            .ExpectAsync(HttpStatusCode.BadRequest);
        Assert.True(lost.GetProperty("errors").EnumerateObject().Any(), lost.ToString());
    }
}
