using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;

namespace PyPyLeads.Schedule;

/// <summary>
/// Presentation requests waiting for an answer, oldest first: the one definition the navigation's badge and the Today
/// page count and list, so the two always agree.
/// </summary>
public static class WaitingRequests
{
    /// <summary>Past this a count shows "99+".</summary>
    public const int Counted = 99;

    /// <summary>In the (Status, CreatedAtUtc) index's order.</summary>
    public static IQueryable<PresentationRequest> Query(LeadsDbContext db) =>
        db.PresentationRequests.AsNoTracking().Where(p => p.Status == PresentationStatus.Requested).OrderBy(p => p.CreatedAtUtc).ThenBy(p => p.Id);

    /// <summary>
    /// Counts no further than a count shows: the layout runs this on every admin page, and a full count walks every
    /// waiting request (16,000 left by the benchmark's public-form flood: half a millisecond on each page).
    /// </summary>
    public static Task<int> CountAsync(LeadsDbContext db, CancellationToken cancellationToken) =>
        db.PresentationRequests.Where(p => p.Status == PresentationStatus.Requested).OrderBy(p => p.CreatedAtUtc).Take(Counted + 1).CountAsync(cancellationToken);

    /// <summary>"7", or "99+" past <see cref="Counted"/>.</summary>
    public static string Show(int count) => count > Counted ? $"{Counted}+" : count.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
