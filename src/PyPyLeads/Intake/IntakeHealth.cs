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
public sealed class IntakeHealth(LeadsDbContext db, CheckMailbox check)
{
    public async Task<IntakeHealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var mailbox = check.Mailbox;
        var row = await db.IntakeMailboxes.AsNoTracking().SingleOrDefaultAsync(m => m.Name == mailbox, cancellationToken);
        return new IntakeHealthReport(mailbox, row?.LastSuccessAtUtc, row?.LastFailureAtUtc, row?.LastError);
    }

    /// <summary>Messages waiting in triage: the menu's count.</summary>
    public static Task<int> WaitingAsync(LeadsDbContext db, CancellationToken cancellationToken) =>
        db.IntakeMessages.CountAsync(m => m.State == IntakeState.Triage, cancellationToken);
}
