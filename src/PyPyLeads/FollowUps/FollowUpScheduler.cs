using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PyPyLeads.Data;
using PyPyLeads.Timeline;

namespace PyPyLeads.FollowUps;

/// <summary>What a form asks for when it schedules a follow-up.</summary>
public sealed record NewFollowUp(int CompanyId, string OwnerUserId, DateTime DueAtUtc, string? Note, string? SubjectType = null, int? SubjectId = null);

/// <summary>A follow-up that breaks the deadline rule or points at nothing; the message is for the person.</summary>
public sealed class FollowUpRuleException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>Puts a follow-up's delayed Hangfire job in place, computed from the app clock (so the tour clock works).</summary>
public sealed class ReminderJobs(IBackgroundJobClient jobs, TimeProvider clock, ILogger<ReminderJobs> logger)
{
    /// <summary>
    /// How long before its follow-up's time a delivery job asks to wake. Hangfire keeps a delayed job's time in whole
    /// seconds, moves it to its queue at the scheduler's next poll (every second) and a worker fetches it at its next
    /// poll of the queue (every second on SQLite): a job asked for the due instant started 1 to 3 s late. Woken this
    /// much earlier (less the rounding down to the second), it waits out the rest itself and claims on the dot.
    /// </summary>
    public static readonly TimeSpan WakeEarly = TimeSpan.FromSeconds(3);

    /// <summary>Schedules a delivery job for <paramref name="atUtc"/> by the app clock; null when Hangfire's storage refused (the reconciler retries).</summary>
    public string? ScheduleDelivery(int followUpId, DateTime atUtc)
    {
        var delay = atUtc - clock.GetUtcNow().UtcDateTime - WakeEarly;
        // Hangfire runs on the real clock: the delay by the app clock from real now, rounded down to Hangfire's whole
        // second (the job waits at most WakeEarly + 1 s, under FollowUpDelivery.ShortWait).
        var realNow = TimeProvider.System.GetUtcNow();
        var enqueueAt = realNow + (delay < TimeSpan.Zero ? TimeSpan.Zero : delay);
        enqueueAt = enqueueAt.AddTicks(-(enqueueAt.Ticks % TimeSpan.TicksPerSecond));
        try
        {
            return jobs.Schedule<FollowUpJobs>(j => j.DeliverAsync(followUpId, null, CancellationToken.None), enqueueAt);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not schedule the reminder job of follow-up {FollowUpId}; the reconciler will", followUpId);
            return null;
        }
    }

    public void Delete(string? jobId)
    {
        if (jobId is null)
        {
            return;
        }
        try
        {
            jobs.Delete(jobId);
        }
        catch (Exception ex)
        {
            // A job left behind finds nothing to claim when it runs.
            logger.LogWarning(ex, "Could not delete reminder job {JobId}", jobId);
        }
    }
}

/// <summary>
/// The work of every change to a follow-up: create, reschedule, snooze, done, cancel, retry. Each stages the change
/// and its timeline entry for the company in the caller's save (the use cases in this folder hold the rules and the
/// transaction; a new follow-up is saved with <see cref="SaveAsync"/>); <see cref="ScheduleJobAsync"/> then puts the
/// Hangfire job in step after the commit (a job for a row not yet committed could run and find nothing). If the app
/// stops in between, the reconciler puts the job in place.
/// </summary>
public sealed class FollowUpScheduler(LeadsDbContext db, ReminderJobs jobs, FollowUpDeadlines deadlines, TimeProvider clock)
{
    private readonly List<(FollowUp FollowUp, TimelineEntry Entry)> _unlinked = [];

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Adds a follow-up and its timeline entry to the context without saving, for a form that saves several things at
    /// once (log a contact, a deal, a meeting). The company must already have its id. Save with <see cref="SaveAsync"/>
    /// in the caller's transaction, and after the commit call <see cref="ScheduleJobAsync"/>.
    /// </summary>
    public async Task<FollowUp> StageAsync(NewFollowUp request, Actor actor, CancellationToken cancellationToken)
    {
        if (deadlines.Check(request.DueAtUtc) is { } problem)
        {
            throw new FollowUpRuleException("DueLocal", problem);
        }
        if (request.SubjectType is not null && (!FollowUpSubjects.All.Contains(request.SubjectType) || request.SubjectId is null))
        {
            throw new FollowUpRuleException("SubjectType", "A follow-up can be about a deal, a meeting or a presentation request.");
        }
        var owner = await db.Users.AsNoTracking().Where(u => u.Id == request.OwnerUserId)
            .Select(u => new { u.DisplayName, u.TimeZoneId }).FirstOrDefaultAsync(cancellationToken)
            ?? throw new FollowUpRuleException("OwnerUserId", FollowUpRules.OwnerNotFromTheList);
        if (!await db.Companies.AnyAsync(c => c.Id == request.CompanyId && c.DeletedAtUtc == null, cancellationToken))
        {
            throw new FollowUpRuleException("CompanyId", "That company does not exist (or was deleted).");
        }
        var now = Now;
        var followUp = new FollowUp
        {
            CompanyId = request.CompanyId,
            SubjectType = request.SubjectType,
            SubjectId = request.SubjectType is null ? null : request.SubjectId,
            OwnerUserId = request.OwnerUserId,
            CreatedByUserId = actor.UserId,
            CreatedAtUtc = now,
            DueAtUtc = request.DueAtUtc,
            NextAttemptAtUtc = request.DueAtUtc,
            Note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note,
            State = FollowUpState.Scheduled,
        };
        db.FollowUps.Add(followUp);
        AddTimeline(followUp, actor, "followup.scheduled",
            $"Follow-up for {owner.DisplayName}, due {ReminderMail.FormatTime(followUp.DueAtUtc, owner.TimeZoneId)}", followUp.Note);
        return followUp;
    }

    /// <summary>Creates, saves and schedules a follow-up in one go.</summary>
    public async Task<FollowUp> CreateAsync(NewFollowUp request, Actor actor, CancellationToken cancellationToken)
    {
        var followUp = await StageAsync(request, actor, cancellationToken);
        await SaveAsync(cancellationToken);
        await ScheduleJobAsync(followUp, cancellationToken);
        return followUp;
    }

    /// <summary>
    /// Saves the caller's changes, then links each new follow-up's timeline entry to the id the save gave it, in a
    /// second save. Called inside the caller's transaction, both commit together: no entry is ever committed unlinked.
    /// </summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        // An attempt the execution strategy retried cleared the tracker: its entries are no longer this save's.
        _unlinked.RemoveAll(u => db.Entry(u.Entry).State == EntityState.Detached);
        if (_unlinked.Count == 0)
        {
            return;
        }
        foreach (var (followUp, entry) in _unlinked)
        {
            entry.SubjectId = followUp.Id;
        }
        _unlinked.Clear();
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Replaces the follow-up's delivery job with one at its next attempt time (after it was saved).</summary>
    public async Task ScheduleJobAsync(FollowUp followUp, CancellationToken cancellationToken)
    {
        if (followUp.Id == 0)
        {
            throw new InvalidOperationException("Save the follow-up before scheduling its job.");
        }
        if (_unlinked.Any(u => u.FollowUp == followUp))
        {
            // Linked after the commit, the entry would stay unlinked if the app stopped in between.
            throw new InvalidOperationException("Save a new follow-up with SaveAsync, in the transaction, before scheduling its job.");
        }
        var old = followUp.HangfireJobId;
        jobs.Delete(old);
        var jobId = followUp.State == FollowUpState.Scheduled ? jobs.ScheduleDelivery(followUp.Id, followUp.NextAttemptAtUtc) : null;
        await RecordJobAsync(followUp, jobId, cancellationToken);
    }

    /// <summary>
    /// New due time, note or owner, on the tracked <paramref name="followUp"/>, without saving; false when nothing
    /// changed. The caller (<see cref="EditFollowUp"/>) checked the rules and saves.
    /// </summary>
    public async Task<bool> StageUpdateAsync(FollowUp followUp, DateTime dueAtUtc, string? note, string ownerUserId, Actor actor, CancellationToken cancellationToken)
    {
        var owner = await db.Users.AsNoTracking().Where(u => u.Id == ownerUserId)
            .Select(u => new { u.DisplayName, u.TimeZoneId }).FirstAsync(cancellationToken);
        var dueChanged = dueAtUtc != followUp.DueAtUtc;
        var changes = new List<string>();
        if (dueChanged)
        {
            changes.Add($"due {ReminderMail.FormatTime(dueAtUtc, owner.TimeZoneId)} (was {ReminderMail.FormatTime(followUp.DueAtUtc, owner.TimeZoneId)})");
            BeginRound(followUp, dueAtUtc);
        }
        note = string.IsNullOrWhiteSpace(note) ? null : note;
        if (note != followUp.Note)
        {
            changes.Add("note changed");
            followUp.Note = note;
        }
        if (ownerUserId != followUp.OwnerUserId)
        {
            changes.Add($"now for {owner.DisplayName}");
            followUp.OwnerUserId = ownerUserId;
        }
        if (changes.Count == 0)
        {
            return false;
        }
        AddTimeline(followUp, actor, dueChanged ? "followup.rescheduled" : "followup.edited", "Follow-up " + string.Join("; ", changes), note);
        return true;
    }

    /// <summary>Pushes the follow-up to <paramref name="untilUtc"/> ("snooze for 15 minutes", "until tomorrow 09:00"), without saving.</summary>
    public async Task StageSnoozeAsync(FollowUp followUp, DateTime untilUtc, string label, Actor actor, CancellationToken cancellationToken)
    {
        var zone = await OwnerZoneAsync(followUp.OwnerUserId, cancellationToken);
        BeginRound(followUp, untilUtc);
        AddTimeline(followUp, actor, "followup.snoozed", $"Follow-up snoozed {label}, until {ReminderMail.FormatTime(untilUtc, zone)}", null);
    }

    public void StageComplete(FollowUp followUp, Actor actor) =>
        Close(followUp, FollowUpState.Done, actor, "followup.done", "Follow-up done");

    public void StageCancel(FollowUp followUp, Actor actor) =>
        Close(followUp, FollowUpState.Cancelled, actor, "followup.cancelled", "Follow-up cancelled");

    /// <summary>After "delivery failed": the e-mail is tried again now, from the first attempt (without saving).</summary>
    public void StageRetry(FollowUp followUp, Actor actor)
    {
        followUp.State = FollowUpState.Scheduled;
        followUp.NextAttemptAtUtc = Now;
        followUp.AttemptCount = 0;
        followUp.FailedAtUtc = null;
        followUp.ClaimToken = null;
        followUp.ClaimedAtUtc = null;
        AddTimeline(followUp, actor, "followup.retried", "Reminder e-mail retried by hand", followUp.LastError);
    }

    private void Close(FollowUp followUp, FollowUpState state, Actor actor, string kind, string summary)
    {
        var now = Now;
        followUp.State = state;
        followUp.ClaimToken = null;
        followUp.ClosedByUserId = actor.UserId;
        if (state == FollowUpState.Done)
        {
            followUp.DoneAtUtc = now;
        }
        else
        {
            followUp.CancelledAtUtc = now;
        }
        AddTimeline(followUp, actor, kind, summary, null);
    }

    /// <summary>A new due time is a new reminder: a new round, delivered afresh.</summary>
    private void BeginRound(FollowUp followUp, DateTime dueAtUtc)
    {
        followUp.DueAtUtc = dueAtUtc;
        followUp.NextAttemptAtUtc = dueAtUtc;
        followUp.State = FollowUpState.Scheduled;
        followUp.Round++;
        followUp.AttemptCount = 0;
        followUp.ClaimToken = null;
        followUp.ClaimedAtUtc = null;
        followUp.RemindedAtUtc = null;
        followUp.LastError = null;
        followUp.FailedAtUtc = null;
        followUp.FlaggedAfterEndUtc = null;
    }

    /// <summary>The job id is bookkeeping, not an edit: written without bumping the version people edit against.</summary>
    private async Task RecordJobAsync(FollowUp followUp, string? jobId, CancellationToken cancellationToken)
    {
        await db.FollowUps.Where(f => f.Id == followUp.Id).ExecuteUpdateAsync(s => s.SetProperty(f => f.HangfireJobId, jobId), cancellationToken);
        var property = db.Entry(followUp).Property(f => f.HangfireJobId);
        property.CurrentValue = jobId;
        property.OriginalValue = jobId;
        property.IsModified = false;
    }

    private async Task<string> OwnerZoneAsync(string userId, CancellationToken cancellationToken) =>
        await db.Users.Where(u => u.Id == userId).Select(u => u.TimeZoneId).FirstOrDefaultAsync(cancellationToken) ?? "UTC";

    private void AddTimeline(FollowUp followUp, Actor actor, string kind, string summary, string? details)
    {
        var entry = TimelineEntry.For(followUp.CompanyId, kind, summary, details, actor, Now, "FollowUp");
        db.Timeline.Add(entry);
        if (followUp.Id != 0)
        {
            entry.SubjectId = followUp.Id;
        }
        else
        {
            // A new follow-up gets its id in the caller's save; SaveAsync links the entry in the same transaction.
            _unlinked.Add((followUp, entry));
        }
    }
}
