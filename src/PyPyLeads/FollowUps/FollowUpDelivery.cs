using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;
using PyPyLeads.Webhooks;
using PyPyLeads.Mail;
using PyPyLeads.Timeline;

namespace PyPyLeads.FollowUps;

public enum DeliveryOutcome
{
    /// <summary>Not due, already delivered, done, cancelled, or claimed by another deliverer.</summary>
    NothingToDo,
    Sent,
    RetryScheduled,
    Failed,
}

/// <summary>
/// A follow-up this deliverer holds, as it stood when claimed, with its company's name and its owner (null when the
/// owner is gone): only the holder of <see cref="Token"/> may record the outcome.
/// </summary>
public sealed record DeliveryClaim(Guid Token, FollowUp FollowUp, string CompanyName, MailRecipient? Owner);

/// <summary>
/// Delivers follow-ups' reminders exactly once, as far as SMTP allows, one path for all, each reminder on its own:
/// <list type="number">
/// <item>claim it in the database with a conditional update in a transaction (the condition is
/// <see cref="FollowUpClaims"/>'; only one of any number of racing jobs, reconcilers and app instances gets it),
/// creating its in-app notification in the same transaction;</item>
/// <item>send its e-mail;</item>
/// <item>record in a transaction that the server accepted it (only the claim's holder can).</item>
/// </list>
/// A claim is made just before its message and recorded just after, so it goes stale only when its own message is
/// stuck (a try takes at most <see cref="FollowUpOptions.SendTimeoutSeconds"/>, under
/// <see cref="FollowUpOptions.StaleClaimSeconds"/>), never because the messages before it were slow. A claim whose
/// holder died (the process stopped between 1 and 3) is taken over after <see cref="FollowUpOptions.StaleClaimSeconds"/>:
/// the one window in which a reminder can go out twice is between the server's acceptance and the commit of step 3
/// (<see cref="ReminderMetrics"/> measures it), for the messages in flight at the stop, one per deliverer. The re-sent
/// copy carries the same Message-ID.
/// <para>
/// <see cref="DeliverAsync"/> does this for one follow-up's job; <see cref="DrainAsync"/> for every due follow-up, read
/// <see cref="BatchSize"/> at a time and sent over one mail connection, each message recorded in the transaction that
/// claims the next (one commit per message).
/// </para>
/// </summary>
public sealed class FollowUpDelivery(
    LeadsDbContext db,
    IMailSender mail,
    ReminderMail composer,
    ReminderJobs jobs,
    DeliveryDrainers drainers,
    ReminderMetrics metrics,
    TimeProvider clock,
    IOptions<FollowUpOptions> options,
    ILogger<FollowUpDelivery> logger)
{
    /// <summary>
    /// A job wakes a little before its follow-up's time (<see cref="ReminderJobs.WakeEarly"/>, in whole seconds): it
    /// waits out a wait this short rather than putting itself back. It is also how far ahead a draining deliverer
    /// looks for the next reminders, to send them on the dot.
    /// </summary>
    public static readonly TimeSpan ShortWait = TimeSpan.FromSeconds(5);

    /// <summary>Due follow-ups a drain reads at once (each is then claimed, sent and recorded on its own).</summary>
    public const int BatchSize = 50;

    /// <summary>A deliverer stops looking ahead after this long (real time), freeing its Hangfire worker; the next job takes over.</summary>
    public static readonly TimeSpan LookAheadFor = TimeSpan.FromSeconds(60);

    private readonly FollowUpOptions _options = options.Value;

    // Compiled once: these run once per job and once per message of a burst, where translating the query each time
    // cost more than running it. A job's first read takes a follow-up that waits however far off its time (a job that
    // woke early waits out the rest, below), or one whose claim is stale.
    private static readonly Func<LeadsDbContext, int, DateTime, CancellationToken, Task<bool>> MayClaim = EF.CompileAsyncQuery(
        FollowUpClaims.Expand<Func<LeadsDbContext, int, DateTime, CancellationToken, bool>>((db, id, staleBefore, _) =>
            db.FollowUps.Any(f => f.Id == id && f.CanBeClaimed(DateTime.MaxValue, staleBefore))));

    // The claimed row as it stands, with what its message and notification need (the company's name, the owner).
    private static readonly Func<LeadsDbContext, int, Guid, CancellationToken, Task<ClaimedRow?>> ReadClaimed = EF.CompileAsyncQuery(
        (LeadsDbContext db, int id, Guid token, CancellationToken _) => (
            from f in db.FollowUps.AsNoTracking()
            where f.Id == id && f.ClaimToken == token
            join u in db.Users on f.OwnerUserId equals u.Id into owners
            from u in owners.DefaultIfEmpty()
            select new ClaimedRow(f, f.Company!.Name, u == null ? null : new MailRecipient(u.Id, u.DisplayName, u.Email, u.TimeZoneId)))
            .FirstOrDefault());

    private sealed record ClaimedRow(FollowUp FollowUp, string CompanyName, MailRecipient? Owner);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Claims, sends and records. <paramref name="jobId"/> is the calling Hangfire job's, if any.</summary>
    public async Task<DeliveryOutcome> DeliverAsync(int followUpId, string? jobId, CancellationToken cancellationToken)
    {
        // A read first: in a burst nearly every job finds its follow-up already claimed or sent by a drain, and a read
        // neither writes nor queues for SQLite's write lock behind the drain's transactions as a claim does. Anything
        // the claim could take passes (the claim still decides).
        if (!await MayClaim(db, followUpId, Now - _options.StaleClaim, cancellationToken))
        {
            return DeliveryOutcome.NothingToDo;
        }
        var claim = await ClaimAsync(followUpId, cancellationToken);
        if (claim is null && jobId is not null && await EarlyByAsync(followUpId, jobId, cancellationToken) is { } early)
        {
            if (early > ShortWait)
            {
                await RescheduleAsync(followUpId, jobId, cancellationToken);
                return DeliveryOutcome.NothingToDo;
            }
            await Task.Delay(early, clock, cancellationToken);
            claim = await ClaimAsync(followUpId, cancellationToken);
        }
        return claim is null ? DeliveryOutcome.NothingToDo : await SendClaimedAsync(claim, cancellationToken);
    }

    /// <summary>
    /// Step 1: takes the follow-up if it is due and nobody holds it (or its holder's claim went stale), in one
    /// transaction; null when there is nothing to take. Creates the round's in-app notification, once. On SQLite the
    /// transaction starts with BEGIN IMMEDIATE: racing claimers queue for the write lock, and each then sees the row as
    /// the previous one left it. On SQL Server the update's row lock does the same.
    /// </summary>
    public Task<DeliveryClaim?> ClaimAsync(int followUpId, CancellationToken cancellationToken) => ClaimAsync(followUpId, null, cancellationToken);

    /// <summary>
    /// Step 1 for <paramref name="followUpId"/>, and step 3 for <paramref name="previous"/> (the message sent just before
    /// it over the same connection) in the same transaction: one commit per message in a drain instead of two. Should
    /// the transaction fail, <paramref name="previous"/> is not recorded and the caller records it on its own.
    /// </summary>
    private async Task<DeliveryClaim?> ClaimAsync(int followUpId, Accepted? previous, CancellationToken cancellationToken)
    {
        var now = Now;
        var token = Guid.NewGuid();
        var staleBefore = now - _options.StaleClaim;
        var recorded = false;
        var claimed = await db.InTransactionAsync<ClaimedRow?>(async ct =>
        {
            recorded = previous is not null && await StageSentAsync(previous, now, ct);
            // (A retry after a commit whose answer was lost finds the row holding this very token, and carries on.)
            var taken = await db.FollowUps
                .Where(FollowUpClaims.Expand<Func<FollowUp, bool>>(f => f.Id == followUpId && (f.CanBeClaimed(now, staleBefore) || f.ClaimToken == token)))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(f => f.State, FollowUpState.Sending)
                    .SetProperty(f => f.ClaimToken, token)
                    .SetProperty(f => f.ClaimedAtUtc, now)
                    .SetProperty(f => f.AttemptCount, f => f.AttemptCount + 1), ct);
            var row = taken == 0 ? null : await ReadClaimed(db, followUpId, token, ct);
            if (row is not null && row.FollowUp.NotifiedRound != row.FollowUp.Round)
            {
                db.Notifications.Add(DueNotification(row.FollowUp, row.CompanyName, row.Owner?.TimeZoneId ?? "UTC", now));
                await db.FollowUps.Where(f => f.Id == followUpId && f.ClaimToken == token)
                    .ExecuteUpdateAsync(s => s.SetProperty(f => f.NotifiedRound, f => f.Round), ct);
            }
            // The notification of this claim and the timeline line of the previous message.
            await db.SaveChangesAsync(ct);
            return row;
        }, cancellationToken);
        if (previous is not null)
        {
            Recorded(previous, recorded);
        }
        return claimed is null ? null : new DeliveryClaim(token, claimed.FollowUp, claimed.CompanyName, claimed.Owner);
    }

    private static Notification DueNotification(FollowUp row, string companyName, string zone, DateTime now) => new()
    {
        UserId = row.OwnerUserId,
        FollowUpId = row.Id,
        CreatedAtUtc = now,
        Title = Shorten($"Follow up with {companyName}", 300),
        Body = Shorten($"Due {ReminderMail.FormatTime(row.DueAtUtc, zone)}" + (row.Note is null ? "" : ": " + row.Note), 1000),
        Url = $"/followups/{row.Id}",
    };

    /// <summary>
    /// Claims and sends every follow-up that is due (its own job's or not), over one mail connection, so a burst of
    /// due reminders does not wait for a Hangfire job each; their jobs then find nothing left to do. With a positive
    /// <paramref name="lookAhead"/>, one drainer per instance then waits for reminders due within it and sends them on
    /// the dot (for up to <see cref="LookAheadFor"/>). At most <see cref="DeliveryDrainers.Count"/> drain at once per
    /// instance; when that many already do, this returns at once, unless <paramref name="waitForTurn"/>. Returns how
    /// many e-mails the server accepted.
    /// </summary>
    public async Task<int> DrainAsync(TimeSpan lookAhead, bool waitForTurn, CancellationToken cancellationToken)
    {
        if (waitForTurn)
        {
            await drainers.EnterAsync(cancellationToken);
        }
        else if (!drainers.TryEnter())
        {
            return 0;
        }
        var lookingAhead = false;
        var sending = false;
        try
        {
            var sent = 0;
            var started = TimeProvider.System.GetTimestamp();
            await using var session = mail.OpenSession();
            while (true)
            {
                var due = await DueAsync(cancellationToken);
                if (due.Count > 0)
                {
                    if (!sending)
                    {
                        drainers.StartSending();
                        sending = true;
                    }
                    var outcomes = await DeliverEachAsync(due, session, cancellationToken);
                    sent += outcomes.Count(o => o == DeliveryOutcome.Sent);
                    if (outcomes.All(o => o is null))
                    {
                        // All that is left is in the other drainer's hands, claimed in a moment: read again after it.
                        await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, cancellationToken);
                    }
                    continue;
                }
                if (sending)
                {
                    drainers.StopSending();
                    sending = false;
                }
                if (lookAhead <= TimeSpan.Zero || TimeProvider.System.GetElapsedTime(started) > LookAheadFor
                    || !(lookingAhead || (lookingAhead = drainers.TryLookAhead())))
                {
                    return sent;
                }
                var next = await db.FollowUps.AsNoTracking().Where(f => f.State == FollowUpState.Scheduled)
                    .OrderBy(f => f.NextAttemptAtUtc).Select(f => (DateTime?)f.NextAttemptAtUtc).FirstOrDefaultAsync(cancellationToken);
                var wait = next - Now;
                if (wait is null || wait > lookAhead)
                {
                    return sent;
                }
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait.Value, clock, cancellationToken);
                }
            }
        }
        finally
        {
            if (sending)
            {
                drainers.StopSending();
            }
            if (lookingAhead)
            {
                drainers.StopLookingAhead();
            }
            drainers.Exit();
        }
    }

    /// <summary>The next <see cref="BatchSize"/> follow-ups due (or whose claim went stale), soonest first: one read, no claim.</summary>
    private async Task<List<int>> DueAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        // The two halves of the claim condition as two index range reads (State, NextAttemptAtUtc) rather than one OR
        // that would scan the table.
        var ids = await db.FollowUps.Where(FollowUpClaims.Due(now))
            .OrderBy(f => f.NextAttemptAtUtc).ThenBy(f => f.Id).Select(f => f.Id).Take(BatchSize).ToListAsync(cancellationToken);
        if (ids.Count < BatchSize)
        {
            ids.AddRange(await db.FollowUps.Where(FollowUpClaims.StaleClaim(now - _options.StaleClaim))
                .OrderBy(f => f.Id).Select(f => f.Id).Take(BatchSize - ids.Count).ToListAsync(cancellationToken));
        }
        return ids;
    }

    /// <summary>
    /// Steps 1 to 3 for each of <paramref name="followUpIds"/> in turn, over <paramref name="session"/>: each is claimed
    /// just before its message, and recorded just after it in the transaction that claims the next (the last on its
    /// own). One the instance's other drainer has in hand is passed over (its outcome is null); so is one another
    /// deliverer took meanwhile (<see cref="DeliveryOutcome.NothingToDo"/>). A message the server accepted is recorded
    /// whatever happens after it.
    /// </summary>
    private async Task<DeliveryOutcome?[]> DeliverEachAsync(IReadOnlyList<int> followUpIds, IMailSession session, CancellationToken cancellationToken)
    {
        var outcomes = new DeliveryOutcome?[followUpIds.Count];
        Accepted? unrecorded = null;
        try
        {
            for (var i = 0; i < followUpIds.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var id = followUpIds[i];
                // The instance's other drainer read the same follow-ups: it is sending this one; this takes the next.
                if (!drainers.TryHold(id))
                {
                    continue;
                }
                try
                {
                    var claim = await ClaimAsync(id, unrecorded, cancellationToken);
                    unrecorded = null;
                    outcomes[i] = DeliveryOutcome.NothingToDo;
                    if (claim is not null)
                    {
                        (outcomes[i], unrecorded) = await SendAsync(claim, session, cancellationToken);
                    }
                }
                finally
                {
                    drainers.Release(id);
                }
            }
        }
        finally
        {
            if (unrecorded is not null)
            {
                await RecordSentAsync(unrecorded);
            }
        }
        return outcomes;
    }

    /// <summary>Steps 2 and 3 for one claimed follow-up, over a connection of its own: sends its reminder and records the outcome.</summary>
    public async Task<DeliveryOutcome> SendClaimedAsync(DeliveryClaim claim, CancellationToken cancellationToken)
    {
        await using var session = mail.OpenSession();
        var (outcome, accepted) = await SendAsync(claim, session, cancellationToken);
        if (accepted is not null)
        {
            await RecordSentAsync(accepted);
        }
        return outcome;
    }

    /// <summary>
    /// A message the server accepted and whose sent mark is not yet committed, since <see cref="At"/> (a real-clock
    /// timestamp): the one window in which a stop sends a reminder twice.
    /// </summary>
    private sealed record Accepted(DeliveryClaim Claim, MailRecipient Owner, long At);

    /// <summary>
    /// Step 2 for one claimed follow-up over <paramref name="session"/>. A failed message is recorded here (retried with
    /// back-off, or failed); an accepted one is returned, for the caller to record (step 3). When the app stops while
    /// the message is on its way, its claim stays, goes stale and is taken over.
    /// </summary>
    private async Task<(DeliveryOutcome Outcome, Accepted? Accepted)> SendAsync(DeliveryClaim claim, IMailSession session, CancellationToken cancellationToken)
    {
        var followUp = claim.FollowUp;
        if (claim.Owner is not { Email: not null } owner)
        {
            return (await RecordFailureAsync(claim, "The owner has no e-mail address.", permanent: true), null);
        }
        var message = composer.Reminder(followUp, claim.CompanyName, owner);
        // Network time, not app time: the tour clock and the test clock say nothing about how long a socket may hang.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.SendTimeout);
        try
        {
            await session.SendAsync(message, timeout.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The app is stopping mid-message: the claim stays and goes stale, then is taken over and sent.
            throw;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Reminder e-mail for follow-up {FollowUpId} to {Destination} failed (try {Attempt})",
                followUp.Id, mail.Destination, followUp.AttemptCount);
            return (await RecordFailureAsync(claim, Describe(ex), Mail.SmtpMailSender.IsPermanent(ex)), null);
        }
        return (DeliveryOutcome.Sent, new Accepted(claim, owner, TimeProvider.System.GetTimestamp()));
    }

    /// <summary>Step 3 on its own: records the accepted message; never cancelled (the server has it).</summary>
    private async Task RecordSentAsync(Accepted accepted)
    {
        var recorded = await db.InTransactionAsync(async _ =>
        {
            var staged = await StageSentAsync(accepted, Now, CancellationToken.None);
            await db.SaveChangesAsync(CancellationToken.None);
            return staged;
        }, CancellationToken.None);
        Recorded(accepted, recorded);
    }

    /// <summary>
    /// Step 3 in the caller's transaction: marks the follow-up reminded if the claim is still this deliverer's, and
    /// stages its timeline line (saved with the caller's changes). False when the claim is gone.
    /// </summary>
    private async Task<bool> StageSentAsync(Accepted accepted, DateTime now, CancellationToken cancellationToken)
    {
        var followUp = accepted.Claim.FollowUp;
        var rows = await db.FollowUps.Where(f => f.Id == followUp.Id && f.ClaimToken == accepted.Claim.Token)
            .ExecuteUpdateAsync(s => s
                .SetProperty(f => f.State, FollowUpState.Reminded)
                .SetProperty(f => f.ClaimToken, (Guid?)null)
                .SetProperty(f => f.RemindedAtUtc, now)
                .SetProperty(f => f.LastError, (string?)null)
                .SetProperty(f => f.HangfireJobId, (string?)null), cancellationToken);
        if (rows == 0)
        {
            return false;
        }
        AddTimeline(followUp, "followup.reminded", $"Reminder e-mailed to {accepted.Owner.Name}", null, now);
        await db.RaiseWebhookAsync(WebhookEventTypes.FollowUpDue, new
        {
            followUpId = followUp.Id, companyId = followUp.CompanyId, company = accepted.Claim.CompanyName, owner = accepted.Owner.Name,
            dueAt = followUp.DueAtUtc, note = followUp.Note,
        }, now, cancellationToken);
        return true;
    }

    /// <summary>After step 3 committed: the duplicate window it closed, measured.</summary>
    private void Recorded(Accepted accepted, bool recorded)
    {
        metrics.Unrecorded(TimeProvider.System.GetElapsedTime(accepted.At));
        if (!recorded)
        {
            // Done, cancelled or rescheduled while the e-mail was on its way; the change wins.
            logger.LogInformation("Follow-up {FollowUpId} changed while its reminder was being sent", accepted.Claim.FollowUp.Id);
        }
    }

    private async Task<DeliveryOutcome> RecordFailureAsync(DeliveryClaim claim, string error, bool permanent)
    {
        var now = Now;
        var followUp = claim.FollowUp;
        var attempt = followUp.AttemptCount;
        var delays = _options.RetryDelays;
        error = Shorten(error, 1000);
        if (permanent || attempt >= _options.MaxAttempts)
        {
            var recorded = await db.InTransactionAsync(async _ =>
            {
                var rows = await db.FollowUps.Where(f => f.Id == followUp.Id && f.ClaimToken == claim.Token)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(f => f.State, FollowUpState.Failed)
                        .SetProperty(f => f.ClaimToken, (Guid?)null)
                        .SetProperty(f => f.FailedAtUtc, now)
                        .SetProperty(f => f.LastError, error)
                        .SetProperty(f => f.HangfireJobId, (string?)null), CancellationToken.None);
                if (rows == 0)
                {
                    return 0;
                }
                var tries = attempt == 1 ? "1 try" : $"{attempt} tries";
                AddTimeline(followUp, "followup.delivery-failed", $"Reminder e-mail could not be sent ({tries})", error, now);
                await db.RaiseWebhookAsync(WebhookEventTypes.ReminderDeliveryFailed, new
                {
                    followUpId = followUp.Id, companyId = followUp.CompanyId, company = claim.CompanyName, ownerUserId = followUp.OwnerUserId,
                    attempts = attempt, error,
                }, now, CancellationToken.None);
                db.Notifications.Add(new Notification
                {
                    UserId = followUp.OwnerUserId,
                    FollowUpId = followUp.Id,
                    CreatedAtUtc = now,
                    Title = Shorten($"The e-mail reminder about {claim.CompanyName} could not be sent", 300),
                    Body = error,
                    Url = $"/followups/{followUp.Id}",
                });
                await db.SaveChangesAsync(CancellationToken.None);
                return rows;
            }, CancellationToken.None);
            if (recorded == 0)
            {
                return DeliveryOutcome.NothingToDo;
            }
            logger.LogError("Reminder for follow-up {FollowUpId} failed after {Attempts} tries: {Error}", followUp.Id, attempt, error);
            return DeliveryOutcome.Failed;
        }

        var next = now + delays[attempt - 1];
        var released = await db.FollowUps.Where(f => f.Id == followUp.Id && f.ClaimToken == claim.Token)
            .ExecuteUpdateAsync(s => s
                .SetProperty(f => f.State, FollowUpState.Scheduled)
                .SetProperty(f => f.ClaimToken, (Guid?)null)
                .SetProperty(f => f.NextAttemptAtUtc, next)
                .SetProperty(f => f.LastError, error), CancellationToken.None);
        if (released == 0)
        {
            return DeliveryOutcome.NothingToDo;
        }
        // Back-off: a job at the next try's time; the reconciler covers it if this job is lost.
        var jobId = jobs.ScheduleDelivery(followUp.Id, next);
        await db.FollowUps.Where(f => f.Id == followUp.Id && f.State == FollowUpState.Scheduled && f.NextAttemptAtUtc == next)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.HangfireJobId, jobId), CancellationToken.None);
        return DeliveryOutcome.RetryScheduled;
    }

    /// <summary>
    /// How long before its time a job woke (Hangfire rounds to whole seconds; the tour clock restarts at its start
    /// instant), when it is still the follow-up's current job and the follow-up still waits; else null.
    /// </summary>
    private async Task<TimeSpan?> EarlyByAsync(int followUpId, string jobId, CancellationToken cancellationToken)
    {
        var row = await db.FollowUps.AsNoTracking().Where(f => f.Id == followUpId)
            .Select(f => new { f.State, f.NextAttemptAtUtc, f.HangfireJobId }).FirstOrDefaultAsync(cancellationToken);
        var early = row is { State: FollowUpState.Scheduled } && row.HangfireJobId == jobId ? row.NextAttemptAtUtc - Now : TimeSpan.Zero;
        return early > TimeSpan.Zero ? early : null;
    }

    /// <summary>Puts the job back for the rest of the wait.</summary>
    private async Task RescheduleAsync(int followUpId, string jobId, CancellationToken cancellationToken)
    {
        var at = await db.FollowUps.Where(f => f.Id == followUpId).Select(f => f.NextAttemptAtUtc).FirstAsync(cancellationToken);
        var newJobId = jobs.ScheduleDelivery(followUpId, at);
        await db.FollowUps.Where(f => f.Id == followUpId && f.HangfireJobId == jobId)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.HangfireJobId, newJobId), cancellationToken);
    }

    private void AddTimeline(FollowUp followUp, string kind, string summary, string? details, DateTime now) =>
        db.Timeline.Add(TimelineEntry.For(followUp.CompanyId, kind, summary, details, Actor.Reminders, now, "FollowUp", followUp.Id));

    private static string Describe(Exception ex) => ex switch
    {
        OperationCanceledException => "The mail server did not answer in time.",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };

    internal static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}

/// <summary>
/// Per app instance (a singleton): how many deliverers drain due follow-ups at once, which follow-up each has in hand,
/// which one of them looks ahead for the next reminders, and whether any is sending (the burst's other jobs wait for
/// that to end). Two, so that one claims, composes and records while the other waits for the mail server.
/// </summary>
public sealed class DeliveryDrainers
{
    public const int Count = 2;

    private readonly SemaphoreSlim _slots = new(Count, Count);
    private int _lookingAhead;

    internal bool TryEnter() => _slots.Wait(0);

    internal Task EnterAsync(CancellationToken cancellationToken) => _slots.WaitAsync(cancellationToken);

    internal void Exit() => _slots.Release();

    internal bool TryLookAhead() => Interlocked.CompareExchange(ref _lookingAhead, 1, 0) == 0;

    internal void StopLookingAhead() => Volatile.Write(ref _lookingAhead, 0);

    // The follow-ups this instance's drainers are claiming and sending now: both read the same due follow-ups, and each
    // passes over the one the other has in hand instead of queueing for a claim that would find it taken.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> _inHand = new();

    internal bool TryHold(int followUpId) => _inHand.TryAdd(followUpId, 0);

    internal void Release(int followUpId) => _inHand.TryRemove(followUpId, out _);

    private readonly Lock _gate = new();
    private int _sending;
    private TaskCompletionSource _idle = Idle();

    /// <summary>A drainer has due follow-ups in hand (until it finds none left).</summary>
    internal void StartSending()
    {
        lock (_gate)
        {
            if (_sending++ == 0)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    internal void StopSending()
    {
        lock (_gate)
        {
            if (--_sending == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Completes when no drainer of this instance is sending, or after <paramref name="atMost"/> (real time) or on
    /// cancellation, whichever comes first; never throws.
    /// </summary>
    public async Task WhileSendingAsync(TimeSpan atMost, CancellationToken cancellationToken)
    {
        Task idle;
        lock (_gate)
        {
            idle = _idle.Task;
        }
        if (!idle.IsCompleted)
        {
            await idle.WaitAsync(atMost, TimeProvider.System, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static TaskCompletionSource Idle()
    {
        var idle = new TaskCompletionSource();
        idle.SetResult();
        return idle;
    }
}
