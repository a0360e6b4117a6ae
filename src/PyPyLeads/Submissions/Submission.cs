using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PyPyLeads.UseCases;

namespace PyPyLeads.Submissions;

/// <summary>
/// One submit of something that creates a record: who sent it, with which form (a short name), and the one-time key
/// the form was issued with (or, later, an API call's <c>Idempotency-Key</c>, or an offline phone's queued submit).
/// The three together are the key: the same key from another user or for another form is another submission, so it
/// never answers with someone else's result.
/// </summary>
public sealed record Submission(string SubmitterId, string Form, string Key)
{
    public const int MaxKeyLength = 100;

    /// <summary>Who submits the public invitation form, which has no account.</summary>
    public const string Anonymous = "public";

    /// <summary>
    /// The submission of a signed-in caller; null without a usable key, which is a fresh submission: a page opened
    /// before keys existed (or a client that sends none) still saves, as it always did, rather than losing what was typed.
    /// </summary>
    public static Submission? By(Caller caller, string form, string? key) => IsUsable(key) ? new(caller.UserId, form, key!) : null;

    /// <summary>The submission of a visitor with no account (the public invitation page).</summary>
    public static Submission? ByVisitor(string form, string? key) => IsUsable(key) ? new(Anonymous, form, key!) : null;

    /// <summary>
    /// Printable ASCII without spaces, up to <see cref="MaxKeyLength"/>: the forms send a GUID, an API client
    /// anything of that shape. Anything else counts as no key (the API may prefer to refuse it with a 400).
    /// </summary>
    public static bool IsUsable(string? key) => key is { Length: > 0 and <= MaxKeyLength } && key.All(c => c is > ' ' and <= '~');
}

/// <summary>A submission's row: written first in the use case's transaction, with the result it answered.</summary>
public sealed class SubmissionRecord
{
    public long Id { get; set; }
    public required string SubmitterId { get; set; }
    public required string Form { get; set; }
    public required string Key { get; set; }
    public DateTime CreatedAtUtc { get; set; }

    /// <summary>The <c>Done</c> value as JSON, protected; empty only inside the transaction that claims the key.</summary>
    public string Result { get; set; } = "";
}

internal sealed class SubmissionRecordConfiguration : IEntityTypeConfiguration<SubmissionRecord>
{
    public void Configure(EntityTypeBuilder<SubmissionRecord> b)
    {
        b.ToTable("Submissions");
        b.Property(x => x.SubmitterId).HasMaxLength(450);
        b.Property(x => x.Form).HasMaxLength(60);
        b.Property(x => x.Key).HasMaxLength(Submission.MaxKeyLength);
        // The unique key makes a second, concurrent submit wait for the first's commit, then fail and answer as it did.
        b.HasIndex(x => new { x.SubmitterId, x.Form, x.Key }).IsUnique();
        b.HasIndex(x => x.CreatedAtUtc);
    }
}

/// <summary>The <c>Submissions</c> settings.</summary>
public sealed class SubmissionOptions
{
    public const string Section = "Submissions";

    /// <summary>How long a submission's key answers a repeat before it is pruned (hourly).</summary>
    public int KeepHours { get; set; } = 24;

    public TimeSpan Keep => TimeSpan.FromHours(KeepHours);

    public IEnumerable<string> Problems()
    {
        if (KeepHours < 1)
        {
            yield return $"Submissions:KeepHours must be at least 1 (it is {KeepHours}).";
        }
    }
}
