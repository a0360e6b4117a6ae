using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;
using PyPyLeads.Timeline;

namespace PyPyLeads.FollowUps;

public sealed record ReconcileReport(int Due, int Delivered, int JobsReplaced, int FlaggedAfterEnd);

/// <summary>
/// Keeps Hangfire in step with the database, which is the source of truth. Runs every minute and once at start-up:
/// a follow-up that is due and not delivered is delivered now (a lost job loses nothing); one still waiting whose job is
/// gone gets a new job (so it goes out on time, not a minute late); a claim whose holder died is taken over; and an open
/// follow-up that now falls after the Eurostars end (the setting changed) is flagged to its owner, once.
/// </summary>
public sealed class FollowUpReconciler(
    LeadsDbContext db,
    FollowUpDelivery delivery,
    ReminderJobs jobs,
    JobStorage storage,
    FollowUpDeadlines deadlines,
    TimeProvider clock,
    IOptions<FollowUpOptions> options,
    ILogger<FollowUpReconciler> logger)
{
    private static readonly string[] LiveStates = ["Scheduled", "Enqueued", "Processing", "Awaiting"];

    /// <summary>
    /// How far ahead the jobs of waiting follow-ups are checked. A job lost long before its time is replaced once its
    /// follow-up comes this close, still in time; checking every waiting follow-up's job every minute cost a Hangfire
    /// lookup each (60 ms of CPU a minute with a thousand waiting, ten times that at ten thousand).
    /// </summary>
    public static readonly TimeSpan JobCheckAhead = TimeSpan.FromMinutes(15);

    /// <param name="everyJob">
    /// Check the job of every waiting follow-up, however far off: once at start-up, so a hangfire.db deleted or
    /// replaced while the app was down is made whole at once, not follow-up by follow-up as each comes close.
    /// </param>
    public async Task<ReconcileReport> ReconcileAsync(CancellationToken cancellationToken, bool everyJob = false)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var dueBy = now;
        var staleBefore = now - options.Value.StaleClaim;

        var due = await db.FollowUps.AsNoTracking()
            .CountAsync(FollowUpClaims.Claimable(dueBy, staleBefore), cancellationToken);
        // Racing the follow-ups' own jobs (or another instance) is fine: only one claim of each succeeds. The drain waits
        // for its turn behind this instance's other drainers, which are sending the same follow-ups anyway.
        var delivered = due > 0 ? await delivery.DrainAsync(TimeSpan.Zero, waitForTurn: true, cancellationToken) : 0;
        db.ChangeTracker.Clear();

        var replaced = await ReplaceLostJobsAsync(dueBy, everyJob ? DateTime.MaxValue : dueBy + JobCheckAhead, cancellationToken);
        var flagged = await FlagAfterEndAsync(now, cancellationToken);
        if (due > 0 || replaced > 0 || flagged > 0)
        {
            logger.LogInformation("Reconciled follow-ups: {Due} due, {Delivered} delivered, {Replaced} jobs replaced, {Flagged} flagged after the Eurostars end",
                due, delivered, replaced, flagged);
        }
        return new ReconcileReport(due, delivered, replaced, flagged);
    }

    /// <summary>Gives a new job to each waiting follow-up due by <paramref name="checkBefore"/> whose job is gone, and to each without one.</summary>
    private async Task<int> ReplaceLostJobsAsync(DateTime dueBy, DateTime checkBefore, CancellationToken cancellationToken)
    {
        var waiting = await db.FollowUps.AsNoTracking()
            // One with no job at all gets one now, however far off: knowing that costs no Hangfire lookup.
            .Where(f => f.State == FollowUpState.Scheduled && f.NextAttemptAtUtc > dueBy
                && (f.HangfireJobId == null || f.NextAttemptAtUtc <= checkBefore))
            .Select(f => new { f.Id, f.HangfireJobId, f.NextAttemptAtUtc })
            .ToListAsync(cancellationToken);
        if (waiting.Count == 0)
        {
            return 0;
        }
        var replaced = 0;
        using var connection = storage.GetConnection();
        foreach (var w in waiting)
        {
            if (w.HangfireJobId is not null && IsLiveDeliveryJob(connection, w.HangfireJobId, w.Id))
            {
                continue;
            }
            var jobId = jobs.ScheduleDelivery(w.Id, w.NextAttemptAtUtc);
            var oldJobId = w.HangfireJobId;
            await db.FollowUps.Where(f => f.Id == w.Id && f.HangfireJobId == oldJobId)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.HangfireJobId, jobId), cancellationToken);
            replaced++;
        }
        return replaced;
    }

    /// <summary>The job exists, will still run, and is this follow-up's (a recreated Hangfire store reuses ids).</summary>
    private static bool IsLiveDeliveryJob(IStorageConnection connection, string jobId, int followUpId)
    {
        try
        {
            var data = connection.GetJobData(jobId);
            return data is { Job: { } job } && LiveStates.Contains(data.State)
                && job.Type == typeof(FollowUpJobs) && job.Method.Name == nameof(FollowUpJobs.DeliverAsync)
                && job.Args.Count > 0 && Convert.ToInt32(job.Args[0], System.Globalization.CultureInfo.InvariantCulture) == followUpId;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<int> FlagAfterEndAsync(DateTime now, CancellationToken cancellationToken)
    {
        var end = deadlines.EndsAtUtc;
        var toFlag = await db.FollowUps.AsNoTracking().Open()
            .Where(f => f.DueAtUtc >= end && (f.FlaggedAfterEndUtc == null || f.FlaggedAfterEndUtc != end))
            .Select(f => new { f.Id, f.OwnerUserId, f.CompanyId, CompanyName = f.Company!.Name, f.DueAtUtc })
            .ToListAsync(cancellationToken);
        var flagged = 0;
        foreach (var f in toFlag)
        {
            var won = await db.InTransactionAsync(async _ =>
            {
                var rows = await db.FollowUps.Where(x => x.Id == f.Id && (x.FlaggedAfterEndUtc == null || x.FlaggedAfterEndUtc != end))
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.FlaggedAfterEndUtc, end), cancellationToken);
                if (rows == 0)
                {
                    return false;
                }
                var endsOn = deadlines.EndsOn.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
                db.Notifications.Add(new Notification
                {
                    UserId = f.OwnerUserId,
                    FollowUpId = f.Id,
                    CreatedAtUtc = now,
                    Title = FollowUpDelivery.Shorten($"Your follow-up with {f.CompanyName} now falls after the Eurostars end ({endsOn})", 300),
                    Body = "Move it earlier, or cancel it if it no longer matters.",
                    Url = $"/followups/{f.Id}",
                });
                db.Timeline.Add(TimelineEntry.For(f.CompanyId, "followup.after-end", $"Follow-up now falls after the Eurostars end ({endsOn})",
                    null, Actor.Reminders, now, "FollowUp", f.Id));
                await db.SaveChangesAsync(cancellationToken);
                return true;
            }, cancellationToken);
            if (!won)
            {
                continue;
            }
            db.ChangeTracker.Clear();
            flagged++;
        }
        return flagged;
    }
}
