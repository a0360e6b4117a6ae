using PyPyLeads.Webhooks;

namespace PyPyLeads.Web.Features.Webhooks;

/// <summary>The add/edit form; its rules are <see cref="SaveWebhookEndpoint.Validator"/>'s.</summary>
public sealed class WebhookEndpointForm
{
    public string? Url { get; set; }
    public string? Description { get; set; }
    public List<string> EventTypes { get; set; } = [];
    public long Version { get; set; }
}

public sealed record WebhookEndpointRow(int Id, string Url, string? Description, IReadOnlyList<string> EventTypes, bool Enabled, string? DisabledReason,
    int ConsecutiveFailures, int Pending);

public sealed record WebhookEndpointPage(WebhookEndpoint Endpoint, string Secret, IReadOnlyList<WebhookAttempt> Attempts, int Pending, string TimeZoneId);

public sealed record WebhookEditPage(int? Id, WebhookEndpointForm Form);
