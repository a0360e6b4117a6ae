using System.Globalization;
using System.Text;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;

namespace PyPyLeads.Webhooks;

public enum WebhookSendOutcome
{
    /// <summary>Not due, already sent, claimed by another worker, or its endpoint is disabled.</summary>
    NothingToDo,
    Delivered,
    WillRetry,
    Failed,
}

/// <summary>
/// Sends one delivery: claims it (a conditional update, so two workers or instances never send it at once), POSTs the
/// signed body, records the attempt, and then either marks it delivered (2xx) or sets its next try by the back-off
/// (<see cref="WebhookOptions.RetryDelays"/>). A worker that dies mid-try leaves a claim that expires, and the sweep
/// sends it again: the receiver may then see an event twice only when it did not answer in time, which is why it gets
/// the webhook-id to de-duplicate. <see cref="WebhookOptions.DisableAfterFailures"/> failed tries in a row disable the endpoint.
/// </summary>
public sealed class WebhookSender(LeadsDbContext db, HttpClient http, WebhookSecrets secrets, IBackgroundJobClient jobs, TimeProvider clock,
    IOptions<WebhookOptions> options, ILogger<WebhookSender> logger)
{
    private readonly WebhookOptions _options = options.Value;

    public async Task<WebhookSendOutcome> SendAsync(long deliveryId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var claimedUntil = now + _options.ClaimFor;
        var claimed = await db.WebhookDeliveries
            .Where(d => d.Id == deliveryId && d.State == WebhookDeliveryState.Pending && d.NextAttemptAtUtc <= now
                && (d.ClaimedUntilUtc == null || d.ClaimedUntilUtc < now)
                && db.WebhookEndpoints.Any(e => e.Id == d.EndpointId && e.Enabled))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimedUntilUtc, claimedUntil), cancellationToken);
        if (claimed == 0)
        {
            return WebhookSendOutcome.NothingToDo;
        }
        var delivery = await db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Id == deliveryId, cancellationToken);
        var endpoint = await db.WebhookEndpoints.AsNoTracking().SingleAsync(e => e.Id == delivery.EndpointId, cancellationToken);

        var (status, error, took) = await PostAsync(endpoint, delivery, cancellationToken);
        var ok = status is >= 200 and < 300;
        var attempts = delivery.Attempts + 1;
        var delays = _options.RetryDelays;
        var after = clock.GetUtcNow().UtcDateTime;
        var outcome = ok ? WebhookSendOutcome.Delivered : attempts > delays.Count ? WebhookSendOutcome.Failed : WebhookSendOutcome.WillRetry;
        var next = outcome == WebhookSendOutcome.WillRetry ? after + delays[attempts - 1] : delivery.NextAttemptAtUtc;

        var recorded = await db.InTransactionAsync(async _ =>
        {
            var rows = await db.WebhookDeliveries.Where(d => d.Id == deliveryId && d.ClaimedUntilUtc == claimedUntil)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.State, outcome switch
                    {
                        WebhookSendOutcome.Delivered => WebhookDeliveryState.Delivered,
                        WebhookSendOutcome.Failed => WebhookDeliveryState.Failed,
                        _ => WebhookDeliveryState.Pending,
                    })
                    .SetProperty(d => d.Attempts, attempts)
                    .SetProperty(d => d.NextAttemptAtUtc, next)
                    .SetProperty(d => d.ClaimedUntilUtc, (DateTime?)null)
                    .SetProperty(d => d.DeliveredAtUtc, ok ? after : null), CancellationToken.None);
            if (rows == 0)
            {
                // The claim expired and another worker took it over; its record stands.
                return false;
            }
            db.WebhookAttempts.Add(new WebhookAttempt
            {
                DeliveryId = deliveryId, EndpointId = endpoint.Id, EventType = delivery.EventType, AtUtc = now,
                StatusCode = status, Error = error, DurationMs = (int)Math.Min(int.MaxValue, took.TotalMilliseconds),
            });
            await db.SaveChangesAsync(CancellationToken.None);
            if (ok)
            {
                await db.WebhookEndpoints.Where(e => e.Id == endpoint.Id && e.ConsecutiveFailures != 0)
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.ConsecutiveFailures, 0), CancellationToken.None);
            }
            else
            {
                await db.WebhookEndpoints.Where(e => e.Id == endpoint.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.ConsecutiveFailures, e => e.ConsecutiveFailures + 1), CancellationToken.None);
                var reason = $"Disabled after {_options.DisableAfterFailures} failed tries in a row; the last: {error ?? $"HTTP {status}"}";
                if (reason.Length > 500)
                {
                    reason = reason[..500];
                }
                var disabled = await db.WebhookEndpoints.Where(e => e.Id == endpoint.Id && e.Enabled && e.ConsecutiveFailures >= _options.DisableAfterFailures)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(e => e.Enabled, false)
                        .SetProperty(e => e.DisabledAtUtc, after)
                        .SetProperty(e => e.DisabledReason, reason)
                        .SetProperty(e => e.Version, e => e.Version + 1), CancellationToken.None);
                if (disabled > 0)
                {
                    logger.LogError("Webhook endpoint {EndpointId} ({Url}) disabled after {Failures} failed tries in a row", endpoint.Id, endpoint.Url,
                        _options.DisableAfterFailures);
                }
            }
            return true;
        }, CancellationToken.None);
        if (!recorded)
        {
            return WebhookSendOutcome.NothingToDo;
        }
        if (outcome == WebhookSendOutcome.WillRetry)
        {
            ScheduleRetry(deliveryId, next - after);
        }
        logger.Log(ok ? LogLevel.Information : LogLevel.Warning, "Webhook {EventType} {EventId} to endpoint {EndpointId}: {Outcome} (try {Attempt}, {Status}{Error})",
            delivery.EventType, delivery.EventId, endpoint.Id, outcome, attempts, status, error);
        return outcome;
    }

    /// <summary>The pending deliveries due now on enabled endpoints, oldest first, for the sweep.</summary>
    public async Task<IReadOnlyList<long>> DueAsync(int max, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.WebhookDeliveries
            .Where(d => d.State == WebhookDeliveryState.Pending && d.NextAttemptAtUtc <= now && (d.ClaimedUntilUtc == null || d.ClaimedUntilUtc < now)
                && db.WebhookEndpoints.Any(e => e.Id == d.EndpointId && e.Enabled))
            .OrderBy(d => d.Id).Select(d => d.Id).Take(max).ToListAsync(cancellationToken);
    }

    /// <summary>Deletes finished deliveries older than <see cref="WebhookOptions.KeepDays"/>; their attempts go with them (cascade).</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow().UtcDateTime.AddDays(-_options.KeepDays);
        return await db.WebhookDeliveries.Where(d => d.State != WebhookDeliveryState.Pending && d.CreatedAtUtc < before).ExecuteDeleteAsync(cancellationToken);
    }

    private async Task<(int? Status, string? Error, TimeSpan Took)> PostAsync(WebhookEndpoint endpoint, WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", delivery.EventId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(secrets.Unprotect(endpoint.ProtectedSecret), delivery.EventId, timestamp, delivery.Payload));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return ((int)response.StatusCode, null, clock.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"No answer within {_options.TimeoutSeconds} s.", clock.GetElapsedTime(started));
        }
        catch (HttpRequestException ex)
        {
            var message = ex.Message.Length > 500 ? ex.Message[..500] : ex.Message;
            return (null, message, clock.GetElapsedTime(started));
        }
    }

    private void ScheduleRetry(long deliveryId, TimeSpan delay)
    {
        try
        {
            // Hangfire runs on the real clock: the delay by the app clock from real now.
            jobs.Schedule<WebhookJobs>(j => j.DeliverAsync(deliveryId, CancellationToken.None), delay < TimeSpan.Zero ? TimeSpan.Zero : delay);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not schedule the retry of webhook delivery {DeliveryId}; the sweep will send it", deliveryId);
        }
    }
}

/// <summary>Endpoint secrets are kept encrypted with the app's Data Protection keys (themselves encrypted at rest by its certificate).</summary>
public sealed class WebhookSecrets(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("PyPyLeads.Webhooks.Secret");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}
