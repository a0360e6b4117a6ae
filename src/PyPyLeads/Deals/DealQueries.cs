using PyPyLeads.Timeline;

namespace PyPyLeads.Deals;

/// <summary>Filters shared by the board, the lists and the dashboard, so each counts the same deals.</summary>
public static class DealQueries
{
    public static IQueryable<Deal> OpenOnly(this IQueryable<Deal> deals) =>
        deals.Where(d => d.Stage == DealStage.New || d.Stage == DealStage.Qualified || d.Stage == DealStage.Proposal || d.Stage == DealStage.Negotiation);

    /// <summary>Open deals expected to close after the Eurostars project's last day: they do not save the runway.</summary>
    public static IQueryable<Deal> ClosingAfter(this IQueryable<Deal> deals, DateOnly lastDay) =>
        deals.OpenOnly().Where(d => d.ExpectedCloseOn > lastDay);

    /// <summary>
    /// Open deals nobody has touched since <paramref name="cutoffUtc"/>: no edit or move of the deal, and nothing
    /// on its company's timeline (a contact logged, a meeting) other than other deals' changes.
    /// </summary>
    public static IQueryable<Deal> StaleSince(this IQueryable<Deal> deals, IQueryable<TimelineEntry> timeline, DateTime cutoffUtc)
    {
        // The companies with recent activity are found once (NOT IN an uncorrelated subquery), not probed per deal:
        // with 51,000 open deals the per-deal probe took about a second, this takes tens of milliseconds.
        var activeCompanies = timeline.Where(t => t.AtUtc >= cutoffUtc && t.SubjectType != DealTimeline.SubjectType).Select(t => t.CompanyId);
        return deals.OpenOnly().Where(d => d.LastActivityAtUtc < cutoffUtc && !activeCompanies.Contains(d.CompanyId));
    }
}
