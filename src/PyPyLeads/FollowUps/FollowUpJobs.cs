using Hangfire;
using Hangfire.Server;

namespace PyPyLeads.FollowUps;

/// <summary>
/// The Hangfire entry points. Hangfire's own retries are off: a failed job is dropped, and the reconciler, reading
/// the database, does whatever it left undone; retries of a failed e-mail are the deliverer's, with back-off.
/// </summary>
public sealed class FollowUpJobs(FollowUpDelivery delivery, FollowUpReconciler reconciler, DailyDigest digest, DeliveryDrainers drainers, FollowUpSweeps sweeps)
{
    /// <summary>The every-minute recurring job: the reconciler, then the daily digests.</summary>
    public const string SweepJobId = "followups:sweep";

    /// <summary>The two recurring jobs the sweep replaced; removed at start-up from a Hangfire store that still has them.</summary>
    public static readonly string[] RetiredJobIds = ["followups:reconcile", "followups:digest"];

    /// <summary>
    /// The delayed job of one follow-up: its own reminder first, then whatever else is due, and the
    /// reminders of the next few seconds on the dot (see <see cref="FollowUpDelivery.DrainAsync"/>). Hangfire fills in
    /// <paramref name="context"/> and the token.
    /// </summary>
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task DeliverAsync(int followUpId, PerformContext? context, CancellationToken cancellationToken)
    {
        await delivery.DeliverAsync(followUpId, context?.BackgroundJob.Id, cancellationToken);
        await delivery.DrainAsync(FollowUpDelivery.ShortWait, waitForTurn: false, cancellationToken);
        // While this instance's drainers are sending a burst, the burst's other jobs have nothing left to do, but each
        // still costs Hangfire a fetch and two state changes on its storage, on the same core as the sending. Keeping
        // this worker until the drain is done holds those back until the e-mails are out; the jobs then end at once.
        await drainers.WhileSendingAsync(FollowUpDelivery.LookAheadFor, cancellationToken);
    }

    /// <summary>
    /// Reconciles, then sends the digests that are due, as one job: one Hangfire fetch and set of state changes a
    /// minute instead of two. The digests go out even when reconciling failed; only a sweep that did both counts as
    /// done for the in-process watchdog (<see cref="FollowUpSweeps"/>), so a failing one leaves the work to it.
    /// </summary>
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        Exception? failed = null;
        try
        {
            await reconciler.ReconcileAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            failed = ex;
        }
        await digest.SendDueDigestsAsync(cancellationToken);
        if (failed is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed);
        }
        sweeps.Completed();
    }

    // The jobs of the two recurring entries the sweep replaced: a run already enqueued when the app is upgraded still
    // finds its method.
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public Task ReconcileAsync(CancellationToken cancellationToken) => reconciler.ReconcileAsync(cancellationToken);

    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public Task SendDigestsAsync(CancellationToken cancellationToken) => digest.SendDueDigestsAsync(cancellationToken);
}

/// <summary>
/// How many of Hangfire's minutely sweeps completed in this process. The in-process watchdog skips a turn when one
/// completed since its last: it ran the same work a third time each minute, which on a one-core host showed as a
/// 40-180 ms stall on every page at its own second of the minute. It still runs whenever Hangfire's sweep does not.
/// </summary>
public sealed class FollowUpSweeps
{
    private long _completed;

    public long Count => Interlocked.Read(ref _completed);

    public void Completed() => Interlocked.Increment(ref _completed);
}
