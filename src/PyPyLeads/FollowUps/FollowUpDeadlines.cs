using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;
using PyPyLeads.Time;

namespace PyPyLeads.FollowUps;

/// <summary>
/// The deadline rule: a follow-up falls after now (by the app clock) and before the Eurostars project ends. Each lead
/// also has a "last safe follow-up" day, the Eurostars end minus <see cref="FollowUpOptions.LeadTimeDays"/>, by which a
/// lead in an open deal should have been followed up.
/// </summary>
public sealed class FollowUpDeadlines(TimeProvider clock, EurostarsCalendar eurostars, IOptions<EurostarsOptions> eurostarsOptions, IOptions<FollowUpOptions> options)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public DateTime NowUtc => clock.GetUtcNow().UtcDateTime;

    public DateTime EndsAtUtc => eurostars.EndsAtUtc;

    public DateOnly EndsOn => eurostars.EndsOn;

    public string EurostarsZone => eurostarsOptions.Value.TimeZone;

    /// <summary>The last day (in the consultancies' zone) on which a follow-up is still safely before the end.</summary>
    public DateOnly LastSafeDay => eurostars.EndsOn.AddDays(-options.Value.LeadTimeDays);

    /// <summary>The end of <see cref="LastSafeDay"/>: a follow-up due before this instant is "safe".</summary>
    public DateTime LastSafeUtc => Zones.ToUtc(LastSafeDay.AddDays(1).ToDateTime(TimeOnly.MinValue), EurostarsZone);

    public int LeadTimeDays => options.Value.LeadTimeDays;

    /// <summary>Null when <paramref name="dueUtc"/> obeys the deadline rule, else the message to show beside the field.</summary>
    public string? Check(DateTime dueUtc)
    {
        if (dueUtc <= NowUtc)
        {
            return "Choose a time after now: a follow-up in the past would never remind anyone.";
        }
        if (dueUtc >= EndsAtUtc)
        {
            return $"Choose a time before the Eurostars project ends (end of {EndsOn.ToString("ddd d MMMM yyyy", Invariant)}, {Zones.Label(EndsAtUtc, EurostarsZone)}).";
        }
        return null;
    }

    public bool IsAfterEnd(DateTime dueUtc) => dueUtc >= EndsAtUtc;

    public bool IsAfterLastSafe(DateTime dueUtc) => dueUtc >= LastSafeUtc;

    /// <summary>
    /// Leads in an open deal with no open follow-up before the last safe day: these need someone's attention.
    /// The query runs in the database; <see cref="IOpenDeals"/> says which companies are in an open deal.
    /// </summary>
    public IQueryable<PyPyLeads.Companies.Company> Escalations(LeadsDbContext db, IOpenDeals openDeals) => Escalations(db, openDeals, companyId: null);

    /// <summary>
    /// For one company the open-deal test is an EXISTS on that company's deals: the IN list of every company in an open
    /// deal (right for a list of all) costs 50-100 ms on each company page with 100,000 deals.
    /// </summary>
    public async Task<bool> IsEscalatedAsync(LeadsDbContext db, IOpenDeals openDeals, int companyId, CancellationToken cancellationToken) =>
        await Escalations(db, openDeals, companyId).AnyAsync(cancellationToken);

    private IQueryable<PyPyLeads.Companies.Company> Escalations(LeadsDbContext db, IOpenDeals openDeals, int? companyId)
    {
        var lastSafe = LastSafeUtc;
        var inOpenDeal = openDeals.CompanyIds(db);
        var companies = companyId is { } id
            ? db.Companies.Where(c => c.Id == id && inOpenDeal.Any(d => d == c.Id))
            : db.Companies.Where(c => inOpenDeal.Contains(c.Id));
        return companies.Where(c => c.DeletedAtUtc == null
            && !db.FollowUps.Any(f => f.CompanyId == c.Id && f.State != FollowUpState.Done && f.State != FollowUpState.Cancelled && f.DueAtUtc < lastSafe));
    }
}

/// <summary>
/// Which companies are in an open deal (a deal not yet won or lost). The seam between follow-ups and deals: the
/// escalation rule asks here, so it works before deals exist and picks them up when they land.
/// </summary>
public interface IOpenDeals
{
    IQueryable<int> CompanyIds(LeadsDbContext db);
}

/// <summary>A lead is in an open deal while one of its deals is not yet won or lost.</summary>
public sealed class OpenDealsQuery : IOpenDeals
{
    public IQueryable<int> CompanyIds(LeadsDbContext db) =>
        db.Deals.Where(d => d.Stage != PyPyLeads.Deals.DealStage.Won && d.Stage != PyPyLeads.Deals.DealStage.Lost).Select(d => d.CompanyId);
}
