using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using PyPyLeads.Data;

namespace PyPyLeads.Webhooks;

/// <summary>
/// The one way to raise a webhook event: <see cref="RaiseWebhookAsync"/> stages one delivery row per enabled endpoint
/// subscribed to its type, saved with the caller's change (an outbox: the event exists exactly when the change
/// does). After the commit <see cref="AfterCommit"/> enqueues their Hangfire jobs; if the app stops in between, the
/// minutely sweep (<see cref="WebhookJobs.SweepAsync"/>) sends them.
/// </summary>
public static class WebhookOutbox
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // The rows raised on each context and not yet enqueued. Kept here, by context, rather than found in the change
    // tracker at every save, which would cost every save in the app a scan of its tracked entities; the pooled
    // context itself keeps no state.
    private static readonly ConditionalWeakTable<DbContext, List<WebhookDelivery>> Raised = [];

    /// <summary>Stages the event for every subscribed, enabled endpoint; saved by the caller's next SaveChanges.</summary>
    public static async Task RaiseWebhookAsync(this LeadsDbContext db, string type, object data, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var endpoints = await db.WebhookEndpoints.AsNoTracking().Where(e => e.Enabled)
            .Select(e => new { e.Id, e.EventTypes }).ToListAsync(cancellationToken);
        var ids = endpoints.Where(e => e.EventTypes.Split(' ').Contains(type)).Select(e => e.Id).ToList();
        if (ids.Count > 0)
        {
            Stage(db, type, data, nowUtc, ids);
        }
    }

    /// <summary>Stages the event for the given endpoints only (the test event).</summary>
    public static void Stage(LeadsDbContext db, string type, object data, DateTime nowUtc, IEnumerable<int> endpointIds)
    {
        var eventId = "msg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var payload = JsonSerializer.Serialize(new { type, timestamp = nowUtc, data }, Json);
        var rows = endpointIds.Select(endpointId => new WebhookDelivery
        {
            EventId = eventId, EndpointId = endpointId, EventType = type, Payload = payload,
            State = WebhookDeliveryState.Pending, CreatedAtUtc = nowUtc, NextAttemptAtUtc = nowUtc,
        }).ToList();
        db.WebhookDeliveries.AddRange(rows);
        lock (Raised)
        {
            Raised.GetOrCreateValue(db).AddRange(rows);
        }
    }

    /// <summary>
    /// Enqueues the delivery jobs of the rows a save added, once they are committed: at once for a save outside a
    /// transaction, at the commit otherwise, never after a rollback (a job for a row not yet committed could run
    /// and find nothing). A row never saved has no id and is skipped.
    /// </summary>
    public sealed class AfterCommit(IBackgroundJobClient jobs, ILogger<AfterCommit> logger) : SaveChangesInterceptor, IDbTransactionInterceptor
    {
        public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
        {
            FlushOutsideTransaction(eventData.Context);
            return result;
        }

        public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            FlushOutsideTransaction(eventData.Context);
            return ValueTask.FromResult(result);
        }

        public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Flush(eventData.Context);

        public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Flush(eventData.Context);
            return Task.CompletedTask;
        }

        public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

        public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Forget(eventData.Context);
            return Task.CompletedTask;
        }

        public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Forget(eventData.Context);

        public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
        {
            Forget(eventData.Context);
            return Task.CompletedTask;
        }

        private void FlushOutsideTransaction(DbContext? context)
        {
            if (context?.Database.CurrentTransaction is null)
            {
                Flush(context);
            }
        }

        private void Forget(DbContext? context)
        {
            if (context is not null)
            {
                lock (Raised)
                {
                    Raised.Remove(context);
                }
            }
        }

        private void Flush(DbContext? context)
        {
            if (context is null)
            {
                return;
            }
            List<WebhookDelivery>? rows;
            lock (Raised)
            {
                if (!Raised.TryGetValue(context, out rows))
                {
                    return;
                }
                Raised.Remove(context);
            }
            foreach (var id in rows.Select(r => r.Id).Where(id => id > 0).Distinct())
            {
                try
                {
                    jobs.Enqueue<WebhookJobs>(j => j.DeliverAsync(id, CancellationToken.None));
                }
                catch (Exception ex)
                {
                    // The row is committed: the minutely sweep sends it.
                    logger.LogWarning(ex, "Could not enqueue webhook delivery {DeliveryId}; the sweep will send it", id);
                }
            }
        }
    }
}
