using System.Text;
using PyPyLeads.Timeline;

namespace PyPyLeads.Companies;

/// <summary>A field changed by an edit, for the audit line on the timeline.</summary>
public sealed record FieldChange(string Field, string? From, string? To);

/// <summary>The timeline entries this feature writes. Other features use their own kinds; the page shows any kind.</summary>
public static class CompanyTimeline
{
    public const string Encounter = "encounter";
    public const string CompanyCreated = "company.created";
    public const string CompanyEdited = "company.edited";
    public const string CompanyDeleted = "company.deleted";
    public const string CompanyRestored = "company.restored";
    public const string CompanyMerged = "company.merged";
    public const string PersonAdded = "person.added";
    public const string PersonEdited = "person.edited";
    public const string PersonMerged = "person.merged";

    // An audit line keeps this much of each value (notes can be long); Details holds 8,000 characters.
    private const int MaxValueInAudit = 1500;

    /// <summary>Compares old and new values field by field; only real changes are listed.</summary>
    public static List<FieldChange> Changes(params (string Field, string? From, string? To)[] fields) =>
        fields.Where(f => !string.Equals(f.From ?? "", f.To ?? "", StringComparison.Ordinal))
            .Select(f => new FieldChange(f.Field, f.From, f.To)).ToList();

    /// <summary>One line per change: Field: “from” → “to”.</summary>
    public static string Describe(IEnumerable<FieldChange> changes)
    {
        var text = new StringBuilder();
        foreach (var change in changes)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }
            text.Append(change.Field).Append(": ").Append(Quote(change.From)).Append(" → ").Append(Quote(change.To));
        }
        return text.ToString();
    }

    public static string ListFields(IReadOnlyList<FieldChange> changes) => changes.Count switch
    {
        0 => "nothing",
        1 => changes[0].Field,
        _ => string.Join(", ", changes.Take(changes.Count - 1).Select(c => c.Field)) + " and " + changes[^1].Field,
    };

    private static string Quote(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "(empty)";
        }
        return "“" + (value.Length > MaxValueInAudit ? value[..MaxValueInAudit] + "…" : value) + "”";
    }
}
