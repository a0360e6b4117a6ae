using PyPyLeads.Data;

namespace PyPyLeads.FollowUps;

/// <summary>Where a follow-up stands. Scheduled, Sending, Reminded and Failed are "open" (not yet done).</summary>
public enum FollowUpState
{
    /// <summary>Waiting for <see cref="FollowUp.NextAttemptAtUtc"/> (its due time, or a retry after an SMTP failure).</summary>
    Scheduled = 0,
    /// <summary>Claimed by one deliverer, which is sending the reminder now.</summary>
    Sending = 1,
    /// <summary>The reminder went out; the follow-up waits for its owner to mark it done, snooze or reschedule it.</summary>
    Reminded = 2,
    /// <summary>Every try to e-mail the reminder failed; shown to the owner and admins, who can retry it.</summary>
    Failed = 3,
    Done = 4,
    Cancelled = 5,
}

/// <summary>
/// Who is to follow up with a company, about what (optionally one of its deals, meetings or presentation requests),
/// and when. The row is the source of truth for its reminder: the Hangfire job only says "look now".
/// </summary>
public sealed class FollowUp : IVersioned
{
    public int Id { get; set; }
    public int CompanyId { get; set; }
    public PyPyLeads.Companies.Company? Company { get; set; }
    /// <summary>Optional finer subject within the company: "Deal", "Meeting" or "PresentationRequest" (see <see cref="FollowUpSubjects"/>).</summary>
    public string? SubjectType { get; set; }
    public int? SubjectId { get; set; }
    /// <summary>The user who is reminded (e-mail and bell).</summary>
    public required string OwnerUserId { get; set; }
    public string? CreatedByUserId { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime DueAtUtc { get; set; }
    public string? Note { get; set; }

    public FollowUpState State { get; set; }

    /// <summary>Counts (re)schedulings: each due time is its own reminder, with its own Message-ID.</summary>
    public int Round { get; set; } = 1;
    /// <summary>When the next delivery try may start: the due time, or a retry's back-off.</summary>
    public DateTime NextAttemptAtUtc { get; set; }
    /// <summary>Tries made for the current round.</summary>
    public int AttemptCount { get; set; }
    /// <summary>Set while one deliverer holds the claim; only the holder may record the outcome.</summary>
    public Guid? ClaimToken { get; set; }
    public DateTime? ClaimedAtUtc { get; set; }
    /// <summary>The round whose in-app notification exists, so a re-claim never notifies twice.</summary>
    public int NotifiedRound { get; set; }
    public DateTime? RemindedAtUtc { get; set; }
    public string? LastError { get; set; }
    public DateTime? FailedAtUtc { get; set; }
    /// <summary>The delayed Hangfire job that will wake the deliverer; a hint, never the truth.</summary>
    public string? HangfireJobId { get; set; }

    public DateTime? DoneAtUtc { get; set; }
    public DateTime? CancelledAtUtc { get; set; }
    public string? ClosedByUserId { get; set; }

    /// <summary>The Eurostars end this follow-up was last flagged as falling after (so the owner is told once per change).</summary>
    public DateTime? FlaggedAfterEndUtc { get; set; }

    public long Version { get; set; }

    public bool IsOpen => State is FollowUpState.Scheduled or FollowUpState.Sending or FollowUpState.Reminded or FollowUpState.Failed;
}

public static class FollowUpQueries
{
    /// <summary>Follow-ups not yet done or cancelled.</summary>
    public static IQueryable<FollowUp> Open(this IQueryable<FollowUp> followUps) =>
        followUps.Where(f => f.State != FollowUpState.Done && f.State != FollowUpState.Cancelled);
}

/// <summary>The kinds of finer subject a follow-up may point at; the features that own them link here as they land.</summary>
public static class FollowUpSubjects
{
    public const string Deal = "Deal";
    public const string Meeting = "Meeting";
    public const string PresentationRequest = "PresentationRequest";
    public static readonly IReadOnlyList<string> All = [Deal, Meeting, PresentationRequest];

    /// <summary>The page of the subject: the deal, meeting or request when there is one, else the company.</summary>
    public static string Path(int companyId, string? subjectType, int? subjectId) => (subjectType, subjectId) switch
    {
        (Deal, { } id) => $"/deals/{id}",
        (Meeting, { } id) => $"/meetings/{id}",
        (PresentationRequest, { } id) => $"/presentations/{id}",
        _ => $"/companies/{companyId}",
    };

    public static string Describe(string? subjectType) => subjectType switch
    {
        Deal => "deal",
        Meeting => "meeting",
        PresentationRequest => "presentation request",
        _ => "company",
    };
}

/// <summary>An in-app notification: what the bell counts.</summary>
public sealed class Notification
{
    public long Id { get; set; }
    public required string UserId { get; set; }
    public int? FollowUpId { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? ReadAtUtc { get; set; }
    public required string Title { get; set; }
    public string? Body { get; set; }
    /// <summary>A path inside the app, e.g. /followups/42.</summary>
    public required string Url { get; set; }
}

public enum DigestState
{
    /// <summary>Claimed by one sender, which is sending it now.</summary>
    Sending = 0,
    Sent = 1,
    /// <summary>Nothing was due: nothing was sent, and nothing will be that day.</summary>
    NothingDue = 2,
    /// <summary>A try failed; the next check after <see cref="DigestRecord.NextAttemptAtUtc"/> tries again.</summary>
    RetryPending = 3,
    Failed = 4,
}

/// <summary>One owner's daily digest for one local day; the unique (user, day) key makes it at most one.</summary>
public sealed class DigestRecord
{
    public long Id { get; set; }
    public required string UserId { get; set; }
    public DateOnly LocalDate { get; set; }
    public DigestState State { get; set; }
    public Guid? ClaimToken { get; set; }
    public DateTime ClaimedAtUtc { get; set; }
    public DateTime? NextAttemptAtUtc { get; set; }
    public int AttemptCount { get; set; }
    public int ItemCount { get; set; }
    public DateTime? SentAtUtc { get; set; }
    public string? LastError { get; set; }
}
