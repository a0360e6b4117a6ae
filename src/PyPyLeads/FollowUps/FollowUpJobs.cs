using Hangfire;
using Hangfire.Server;

namespace PyPyLeads.FollowUps;

/// <summary>
/// The Hangfire entry points. Hangfire's own retries are off: a failed job is dropped, and the reconciler, reading
/// the database, does whatever it left undone; retries of a failed e-mail are the deliverer's, with back-off.
/// </summary>
public sealed class FollowUpJobs(FollowUpDelivery delivery, FollowUpReconciler reconciler, DailyDigest digest, DeliveryDrainers drainers)
{
    public const string ReconcileJobId = "followups:reconcile";
    public const string DigestJobId = "followups:digest";

    /// <summary>
    /// The delayed job of one follow-up: its own reminder first, then whatever else is due, in batches, and the
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

    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public Task ReconcileAsync(CancellationToken cancellationToken) => reconciler.ReconcileAsync(cancellationToken);

    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public Task SendDigestsAsync(CancellationToken cancellationToken) => digest.SendDueDigestsAsync(cancellationToken);
}
