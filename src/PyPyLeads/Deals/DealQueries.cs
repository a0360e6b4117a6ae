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
    public static IQueryable<Deal> StaleSince(this IQueryable<Deal> deals, IQueryable<TimelineEntry> timeline, DateTime cutoffUtc,
        StaleLookup lookup = StaleLookup.ActiveCompaniesOnce)
    {
        var activity = timeline.Where(t => t.AtUtc >= cutoffUtc && t.SubjectType != DealTimeline.SubjectType);
        var quiet = deals.OpenOnly().Where(d => d.LastActivityAtUtc < cutoffUtc);
        return lookup == StaleLookup.ActiveCompaniesOnce
            ? quiet.Where(d => !activity.Select(t => t.CompanyId).Contains(d.CompanyId))
            : quiet.Where(d => !activity.Any(t => t.CompanyId == d.CompanyId));
    }
}

/// <summary>How <see cref="DealQueries.StaleSince"/> asks the timeline; the same deals either way.</summary>
public enum StaleLookup
{
    /// <summary>
    /// The companies with recent activity are found once (NOT IN an uncorrelated subquery): for all open deals
    /// (51,000, the dashboard's count) a probe per deal took about a second, this takes tens of milliseconds.
    /// </summary>
    ActiveCompaniesOnce,

    /// <summary>
    /// Each deal's company is probed (NOT EXISTS, from the timeline's company index): for one owner's few hundred
    /// quiet deals this is a few milliseconds, where listing every active company (40,000 recent entries) is not.
    /// </summary>
    EachDealsCompany,
}
