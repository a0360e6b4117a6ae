using System.Globalization;
using PyPyLeads.Timeline;

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

    public static TimelineEntry Entry(int companyId, DateTime atUtc, string kind, string summary, string? details, string userId, string userName,
        string subjectType, long subjectId) => TimelineEntry.For(companyId, kind, summary, details, new Actor(userId, userName), atUtc, subjectType, subjectId);

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
