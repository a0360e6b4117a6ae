using PyPyLeads.Data;

namespace PyPyLeads.Webhooks;

/// <summary>The events an endpoint can subscribe to, by the name the receiver sees in the payload's "type".</summary>
public static class WebhookEventTypes
{
    public const string DealStageChanged = "deal.stage_changed";
    public const string DealWon = "deal.won";
    public const string DealLost = "deal.lost";
    public const string FollowUpDue = "followup.due";
    public const string ReminderDeliveryFailed = "reminder.delivery_failed";
    public const string PresentationRequested = "presentation.requested";
    public const string CompanyCreated = "company.created";

    /// <summary>Sent only by "Send a test event", to the one endpoint asked, whatever it subscribes to.</summary>
    public const string Test = "webhook.test";

    public static readonly IReadOnlyList<(string Type, string Label)> All =
    [
        (DealStageChanged, "Deal stage changed"),
        (DealWon, "Deal won"),
        (DealLost, "Deal lost"),
        (FollowUpDue, "Follow-up due"),
        (ReminderDeliveryFailed, "Reminder delivery failed"),
        (PresentationRequested, "Presentation requested"),
        (CompanyCreated, "Company created"),
    ];

    public static bool IsKnown(string type) => All.Any(t => t.Type == type);
}

/// <summary>A receiver an admin registered: where to POST, which events, the signing secret, and whether it is on.</summary>
public sealed class WebhookEndpoint : IVersioned
{
    public int Id { get; set; }
    public string Url { get; set; } = "";
    public string? Description { get; set; }

    /// <summary>Subscribed event types, space-separated (<see cref="WebhookEventTypes"/>).</summary>
    public string EventTypes { get; set; } = "";

    /// <summary>The "whsec_..." secret, protected with the app's Data Protection keys (encrypted at rest with them).</summary>
    public string ProtectedSecret { get; set; } = "";

    public bool Enabled { get; set; } = true;
    public string? DisabledReason { get; set; }
    public DateTime? DisabledAtUtc { get; set; }

    /// <summary>Failed tries in a row; a 2xx sets it back to 0, and <see cref="WebhookOptions.DisableAfterFailures"/> of them disable the endpoint.</summary>
    public int ConsecutiveFailures { get; set; }

    public DateTime CreatedAtUtc { get; set; }
    public long Version { get; set; }

    public IReadOnlyList<string> Subscribed => EventTypes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

public enum WebhookDeliveryState
{
    Pending = 0,
    Delivered = 1,
    /// <summary>Every retry failed; kept for the log.</summary>
    Failed = 2,
}

/// <summary>
/// One event for one endpoint (the outbox row): added in the transaction of the change it reports, unique by
/// (<see cref="EventId"/>, <see cref="EndpointId"/>) so an event is never queued twice for an endpoint.
/// </summary>
public sealed class WebhookDelivery
{
    public long Id { get; set; }

    /// <summary>The event's id, the same for every endpoint; sent as the webhook-id header for receivers to de-duplicate.</summary>
    public string EventId { get; set; } = "";

    public int EndpointId { get; set; }
    public string EventType { get; set; } = "";

    /// <summary>The JSON body, exactly as signed and sent on every try.</summary>
    public string Payload { get; set; } = "";

    public WebhookDeliveryState State { get; set; }
    public int Attempts { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime NextAttemptAtUtc { get; set; }

    /// <summary>Set by the worker that claimed it; another may take it over only after this instant (a worker that died).</summary>
    public DateTime? ClaimedUntilUtc { get; set; }

    public DateTime? DeliveredAtUtc { get; set; }
}

/// <summary>One HTTP try of a delivery, for the admin's log.</summary>
public sealed class WebhookAttempt
{
    public long Id { get; set; }
    public long DeliveryId { get; set; }
    public int EndpointId { get; set; }
    public string EventType { get; set; } = "";
    public DateTime AtUtc { get; set; }
    public int? StatusCode { get; set; }
    public string? Error { get; set; }
    public int DurationMs { get; set; }
}
