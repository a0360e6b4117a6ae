namespace PyPyLeads.Timeline;

/// <summary>
/// One line of a company's history: an encounter, an edit, a merge, a meeting, a deal's stage change, a
/// follow-up... Every feature appends here in the same transaction as its change, so the company page reads one
/// indexed table, newest first, and the audit trail survives soft deletes.
/// </summary>
public sealed class TimelineEntry
{
    public long Id { get; set; }
    public int CompanyId { get; set; }
    public DateTime AtUtc { get; set; }
    /// <summary>What happened, as a stable code: "encounter", "edit", "merge", "followup.scheduled"...</summary>
    public required string Kind { get; set; }
    /// <summary>One line for people to read, e.g. "Met Jane Doe at the Yelp talk".</summary>
    public required string Summary { get; set; }
    /// <summary>More detail (a note, field changes), shown under the summary.</summary>
    public string? Details { get; set; }
    public string? ActorUserId { get; set; }
    /// <summary>The display name at the time, so the line reads right even if the user is renamed.</summary>
    public string? ActorName { get; set; }
    /// <summary>What the entry is about, e.g. ("FollowUp", 42), for a link.</summary>
    public string? SubjectType { get; set; }
    public long? SubjectId { get; set; }

    /// <summary>The longest summary and details kept; longer text is cut with "…" (the columns hold this much).</summary>
    public const int MaxSummary = 500, MaxDetails = 8000;

    /// <summary>
    /// The one way to write a timeline line: the actor's display name, and one truncation rule for every feature.
    /// Add it to the context in the same save as the change it records.
    /// </summary>
    public static TimelineEntry For(int companyId, string kind, string summary, string? details, Actor actor, DateTime atUtc,
        string? subjectType = null, long? subjectId = null) => new()
    {
        CompanyId = companyId,
        Kind = kind,
        Summary = Cut(summary, MaxSummary),
        Details = details is null ? null : Cut(details, MaxDetails),
        ActorUserId = actor.UserId,
        ActorName = actor.Name,
        AtUtc = atUtc,
        SubjectType = subjectType,
        SubjectId = subjectId,
    };

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
