using System.Net;
using PyPyLeads.Deals;
using PyPyLeads.Tour;

namespace PyPyLeads.IntegrationTests.Api;

/// <summary>The read-only parts: the tour's stops, the team, the dashboard's figures.</summary>
public sealed class ReferenceApiTests : IAsyncLifetime
{
    private ApiWorld _api = null!;

    public async Task InitializeAsync() => _api = await ApiWorld.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task The_tour_and_the_team_are_listed_with_the_ids_the_other_endpoints_take()
    {
        var stops = await (await _api.OpenEnd.GetAsync("/api/v1/tour-stops")).ExpectAsync(HttpStatusCode.OK);
        var team = await (await _api.OpenEnd.GetAsync("/api/v1/team")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(8, stops.GetArrayLength());
        Assert.Equal(("Stanford talk", "America/Los_Angeles", "2011-03-03T00:15:00Z"),
            (stops[0].GetProperty("name").GetString(), stops[0].GetProperty("timeZone").GetString(), stops[0].GetProperty("startsAt").GetString()));
        Assert.Equal("America/New_York", stops[7].GetProperty("timeZone").GetString());
        Assert.Equal(6, team.GetArrayLength());
        Assert.Equal(("Laura Creighton", "Open End"), (team[2].GetProperty("name").GetString(), team[2].GetProperty("consultancy").GetString()));
    }

    [Fact]
    public async Task The_dashboard_figures_are_decimal_strings_in_the_reporting_currency()
    {
        var lead = await _api.World.CompanyAsync("Yelp", Consultancy.OpenEndId);
        await _api.World.DealAsync(lead, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Qualified, valueMinor: 1_000_000, currency: "USD");

        var figures = await (await _api.Merlinux.GetAsync("/api/v1/dashboard")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("EUR", figures.GetProperty("reportingCurrency").GetString());
        var openEnd = figures.GetProperty("byConsultancy").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "Open End");
        Assert.Equal(1, openEnd.GetProperty("openCount").GetInt32());
        // 10,000.00 USD at 0.7143 EUR.
        Assert.Equal(("7143.00", "EUR"), (openEnd.GetProperty("open").GetProperty("amount").GetString(), openEnd.GetProperty("open").GetProperty("currency").GetString()));
        Assert.Equal("2011-09-30", figures.GetProperty("eurostarsEndsOn").GetString());
    }
}
