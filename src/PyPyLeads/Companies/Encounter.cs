using PyPyLeads.Data;

namespace PyPyLeads.Companies;

/// <summary>What a person we met was interested in; several may apply.</summary>
[Flags]
public enum Interests
{
    None = 0,
    Consulting = 1,
    Subcontracting = 2,
    Hiring = 4,
    Presentation = 8,
    JustCurious = 16,
}

public static class InterestNames
{
    public static IReadOnlyList<(Interests Value, string Label)> All { get; } =
    [
        (Interests.Consulting, "Consulting"),
        (Interests.Subcontracting, "Subcontracting"),
        (Interests.Hiring, "Hiring"),
        (Interests.Presentation, "A presentation"),
        (Interests.JustCurious, "Just curious"),
    ];

    public static string Describe(Interests interests) =>
        interests == Interests.None ? "not said" : string.Join(", ", All.Where(i => interests.HasFlag(i.Value)).Select(i => i.Label.ToLowerInvariant()));
}

/// <summary>One meeting with a company: where (a tour stop, or elsewhere), whom, who of us, what they wanted.</summary>
public sealed class Encounter : IVersioned
{
    public int Id { get; set; }
    public int CompanyId { get; set; }
    public int? PersonId { get; set; }
    /// <summary>Null when the contact did not happen at a tour stop.</summary>
    public int? TourStopId { get; set; }
    public DateTime MetAtUtc { get; set; }
    public Interests Interests { get; set; }
    public string? Note { get; set; }
    public string? CreatedByUserId { get; set; }
    public long Version { get; set; }

    /// <summary>The team members (users) who met them.</summary>
    public List<EncounterAttendee> MetBy { get; set; } = [];
}

public sealed class EncounterAttendee
{
    public int EncounterId { get; set; }
    public required string UserId { get; set; }
}

/// <summary>
/// One word under which a company is found: a word of its name, city, or of a person's name there, its domain,
/// a person's e-mail. Search matches the start of terms through an index, so it stays fast at 100,000 companies
/// on both providers (no full-text engine, no LIKE '%x%' scan). Rebuilt by <see cref="SearchIndex"/>.
/// </summary>
public sealed class CompanySearchTerm
{
    public int CompanyId { get; set; }
    public required string Term { get; set; }
}
