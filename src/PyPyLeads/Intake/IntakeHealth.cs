using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;

namespace PyPyLeads.Intake;

/// <summary>How the last check of the mailbox went: a problem when its last try failed (the server down, the login refused).</summary>
public sealed record IntakeHealthReport(string Mailbox, DateTime? LastSuccessAtUtc, DateTime? LastFailureAtUtc, string? LastError)
{
    /// <summary>A check that succeeds clears the error; one that fails sets it.</summary>
    public bool IsHealthy => LastError is null;
}

/// <summary>Reads the mailbox's record for /health and the admin banner (the database's, so any instance's check counts).</summary>
public sealed class IntakeHealth(LeadsDbContext db, CheckMailbox check, IntakeHealthCache cache, TimeProvider clock)
{
    /// <summary>As the database has it now (/health).</summary>
    public async Task<IntakeHealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var mailbox = check.Mailbox;
        var row = await MailboxQuery(db, mailbox, cancellationToken);
        var report = new IntakeHealthReport(mailbox, row?.LastSuccessAtUtc, row?.LastFailureAtUtc, row?.LastError);
        cache.Set(Minute(clock), report);
        return report;
    }

    /// <summary>
    /// For the admins' banner on every page: read at most once a minute per instance. The record changes only when a
    /// check runs (once a minute), and a check on this instance puts its outcome here at once (<see cref="Record"/>).
    /// </summary>
    public async Task<IntakeHealthReport> RecentAsync(CancellationToken cancellationToken) =>
        cache.TryGet(Minute(clock), out var report) && report.Mailbox == check.Mailbox ? report : await CheckAsync(cancellationToken);

    /// <summary>What a check on this instance just wrote, so that this instance's banner shows it without waiting for the minute.</summary>
    public static void Record(IntakeHealthCache cache, TimeProvider clock, IntakeHealthReport report) => cache.Set(Minute(clock), report);

    /// <summary>Messages waiting in triage: the menu's count.</summary>
    public static Task<int> WaitingAsync(LeadsDbContext db, CancellationToken cancellationToken) => WaitingQuery(db, cancellationToken);

    private static DateTime Minute(TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
    }

    // Both run on every page (the menu's count, the admins' banner): compiled once, they skip EF's translation each time.
    private static readonly Func<LeadsDbContext, CancellationToken, Task<int>> WaitingQuery = EF.CompileAsyncQuery(
        (LeadsDbContext db, CancellationToken _) => db.IntakeMessages.Count(m => m.State == IntakeState.Triage));

    private static readonly Func<LeadsDbContext, string, CancellationToken, Task<IntakeMailbox?>> MailboxQuery = EF.CompileAsyncQuery(
        (LeadsDbContext db, string mailbox, CancellationToken _) => db.IntakeMailboxes.AsNoTracking().SingleOrDefault(m => m.Name == mailbox));
}

/// <summary>The last mailbox health this instance read or wrote, with the minute it holds for (a singleton).</summary>
public sealed class IntakeHealthCache : LastValueCache<DateTime, IntakeHealthReport>;
