using Microsoft.EntityFrameworkCore;
using PyPyLeads.Deals;
using PyPyLeads.Timeline;
using PyPyLeads.Tour;

namespace PyPyLeads.IntegrationTests.Deals;

/// <summary>"Stale" is one rule, asked of the timeline two ways (the dashboard's count, one owner's list on Today).</summary>
public sealed class StaleDealsTests : IAsyncLifetime
{
    private DealsWorld _w = null!;

    public async Task InitializeAsync() => _w = await DealsWorld.StartAsync();

    public async Task DisposeAsync() => await _w.DisposeAsync();

    private static readonly DateTime Cutoff = DealsWorld.Start.UtcDateTime.AddDays(-14);

    [Fact]
    public async Task A_deal_is_stale_when_neither_it_nor_its_company_saw_anything_but_other_deals_since_the_cutoff_whichever_way_the_timeline_is_asked()
    {
        var quietCompany = await _w.CompanyAsync("Quiet Inc", Consultancy.OpenEndId);
        var metCompany = await _w.CompanyAsync("Met Recently", Consultancy.OpenEndId);
        var dealsOnly = await _w.CompanyAsync("Only Deals Moved", Consultancy.OpenEndId);
        var old = DealsWorld.Start.UtcDateTime.AddDays(-30);
        var stale = await _w.DealAsync(quietCompany, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Proposal, lastActivityUtc: old);
        var staleBesideMovingDeals = await _w.DealAsync(dealsOnly, Consultancy.OpenEndId, "jacob@openend.se", DealStage.New, lastActivityUtc: old);
        await _w.DealAsync(metCompany, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Qualified, lastActivityUtc: old); // its company was met
        await _w.DealAsync(quietCompany, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Negotiation); // touched now
        await _w.DealAsync(quietCompany, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Won, lastActivityUtc: old); // closed
        await _w.DbAsync(db =>
        {
            db.Timeline.Add(TimelineEntry.For(metCompany, "encounter", "Met at the talk", null, Actor.System, DealsWorld.Start.UtcDateTime.AddDays(-2), "Encounter", 1));
            db.Timeline.Add(TimelineEntry.For(dealsOnly, "deal.moved", "Another deal moved", null, Actor.System, DealsWorld.Start.UtcDateTime.AddDays(-1), DealTimeline.SubjectType, 99));
            db.Timeline.Add(TimelineEntry.For(quietCompany, "edit", "Edited long ago", null, Actor.System, old.AddDays(-1)));
            return db.SaveChangesAsync();
        });

        var once = await _w.DbAsync(db => db.Deals.AsNoTracking().StaleSince(db.Timeline, Cutoff, StaleLookup.ActiveCompaniesOnce).Select(d => d.Id).OrderBy(id => id).ToListAsync());
        var each = await _w.DbAsync(db => db.Deals.AsNoTracking().StaleSince(db.Timeline, Cutoff, StaleLookup.EachDealsCompany).Select(d => d.Id).OrderBy(id => id).ToListAsync());

        Assert.Equal([stale, staleBesideMovingDeals], once);
        Assert.Equal(once, each);
    }
}
