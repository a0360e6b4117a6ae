using Hangfire;

namespace PyPyLeads.Webhooks;

/// <summary>
/// The Hangfire entry points. Hangfire's own retries are off: the back-off is the sender's (it schedules the next
/// try), and a job lost on the way (a crash between commit and enqueue, a failed schedule) is picked up by the sweep,
/// which reads the database.
/// </summary>
public sealed class WebhookJobs(WebhookSender sender)
{
    public const string SweepJobId = "webhooks:sweep";

    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public Task DeliverAsync(long deliveryId, CancellationToken cancellationToken) => sender.SendAsync(deliveryId, cancellationToken);

    /// <summary>Every minute: sends whatever is due and not claimed, in batches, until nothing is left; then prunes old deliveries.</summary>
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        await SendDueAsync(cancellationToken);
        await sender.PruneAsync(cancellationToken);
    }

    private async Task SendDueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var due = await sender.DueAsync(50, cancellationToken);
            var sent = 0;
            foreach (var id in due)
            {
                if (await sender.SendAsync(id, cancellationToken) != WebhookSendOutcome.NothingToDo)
                {
                    sent++;
                }
            }
            if (due.Count < 50 || sent == 0)
            {
                return;
            }
        }
    }
}
