using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;

namespace PyPyLeads.Deals;

/// <summary>The company timeline lines that deals and lead assignments write, in the same SaveChanges as the change.</summary>
public static class DealTimeline
{
    public const string SubjectType = "Deal";
    public const string CompanySubjectType = "Company";
    public const string Assigned = "lead.assigned";
    public const string Created = "deal.created";
    public const string StageChanged = "deal.stage";
    public const string Edited = "deal.edited";

    public static string Describe(Deal deal) =>
        $"{deal.Kind.ToString().ToLowerInvariant()} deal #{deal.Id.ToString(CultureInfo.InvariantCulture)}" +
        (string.IsNullOrEmpty(deal.Title) ? "" : $" “{Shorten(deal.Title, 120)}”");

    /// <summary>"Laura Creighton (3 Mar 2011, 10:00 PST)": who wrote the deal's last line and when, in the reader's zone; "Someone" without one.</summary>
    public static async Task<string> LastChangeAsync(LeadsDbContext db, Deal deal, string timeZoneId, CancellationToken cancellationToken)
    {
        var last = await db.Timeline.AsNoTracking()
            .Where(t => t.CompanyId == deal.CompanyId && t.SubjectType == SubjectType && t.SubjectId == deal.Id)
            .OrderByDescending(t => t.AtUtc).ThenByDescending(t => t.Id).Select(t => new { t.ActorName, t.AtUtc }).FirstOrDefaultAsync(cancellationToken);
        return last is null ? "Someone" : $"{last.ActorName} ({DealText.Time(last.AtUtc, timeZoneId)})";
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
