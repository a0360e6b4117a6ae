using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Webhooks;

/// <summary>
/// An admin adds a webhook endpoint (<see cref="Input.EndpointId"/> null; a secret is generated) or edits one (its
/// version as read). Returns <see cref="Done{T}"/> of <see cref="Saved"/>, <see cref="Invalid"/>, <see cref="NotFound"/>,
/// <see cref="NotAllowed"/> or <see cref="Conflict{T}"/> of the endpoint's version.
/// </summary>
public sealed class SaveWebhookEndpoint(LeadsDbContext db, IValidator<SaveWebhookEndpoint.Input> validator, WebhookSecrets secrets, TimeProvider clock,
    ILogger<SaveWebhookEndpoint> logger)
{
    public sealed record Input(int? EndpointId, string? Url, string? Description, IReadOnlyList<string> EventTypes, long Version = 0);

    public sealed record Saved(int EndpointId, string Message);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator(IOptions<WebhookOptions> options)
        {
            RuleFor(x => x.Url).Custom((url, context) =>
            {
                if (WebhookUrls.Problem(url, options.Value.AllowInsecureLoopback) is { } problem)
                {
                    context.AddFailure(problem);
                }
            });
            RuleFor(x => x.Description).SingleLine(200);
            RuleFor(x => x.EventTypes).NotEmpty().WithMessage("Choose at least one event.")
                .Must(t => t.All(WebhookEventTypes.IsKnown)).WithMessage("Choose events from the list.");
        }
    }

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin)
        {
            return WebhookAccess.AdminsOnly;
        }
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        var events = string.Join(' ', WebhookEventTypes.All.Select(t => t.Type).Where(input.EventTypes.Contains));
        WebhookEndpoint endpoint;
        if (input.EndpointId is { } id)
        {
            var found = await db.WebhookEndpoints.SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
            if (found is null)
            {
                return new NotFound("That webhook endpoint does not exist.");
            }
            if (found.Version != input.Version)
            {
                return Changed(found);
            }
            endpoint = found;
        }
        else
        {
            endpoint = new WebhookEndpoint { ProtectedSecret = secrets.Protect(WebhookSignature.NewSecret()), CreatedAtUtc = clock.GetUtcNow().UtcDateTime };
            db.WebhookEndpoints.Add(endpoint);
        }
        endpoint.Url = input.Url!.Trim();
        endpoint.Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        endpoint.EventTypes = events;
        if (await db.SaveUnlessChangedAsync(async ct => Changed(await db.WebhookEndpoints.AsNoTracking().SingleAsync(e => e.Id == endpoint.Id, ct)), cancellationToken) is { } stale)
        {
            return stale;
        }
        logger.LogInformation("{User} saved webhook endpoint {EndpointId} ({Url})", caller.Name, endpoint.Id, endpoint.Url);
        return new Done<Saved>(new(endpoint.Id, input.EndpointId is null ? $"Webhook endpoint added: {endpoint.Url}." : $"Saved {endpoint.Url}."));
    }

    private static Conflict<long> Changed(WebhookEndpoint current) =>
        new(current.Version, "Someone changed this endpoint while you were editing it (or it was disabled after failures); here it is as it is now.");
}

/// <summary>
/// An admin turns an endpoint off, or on again (which clears its failure count: the pending deliveries then go out
/// at the next sweep). Returns <see cref="Done{T}"/> of a message, <see cref="NotFound"/> or <see cref="NotAllowed"/>.
/// </summary>
public sealed class SetWebhookEndpointEnabled(LeadsDbContext db, TimeProvider clock, ILogger<SetWebhookEndpointEnabled> logger)
{
    public sealed record Input(int EndpointId, bool Enabled);

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin)
        {
            return WebhookAccess.AdminsOnly;
        }
        var endpoint = await db.WebhookEndpoints.SingleOrDefaultAsync(e => e.Id == input.EndpointId, cancellationToken);
        if (endpoint is null)
        {
            return new NotFound("That webhook endpoint does not exist.");
        }
        endpoint.Enabled = input.Enabled;
        endpoint.ConsecutiveFailures = 0;
        endpoint.DisabledAtUtc = input.Enabled ? null : clock.GetUtcNow().UtcDateTime;
        endpoint.DisabledReason = input.Enabled ? null : $"Disabled by {caller.Name}.";
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("{User} {Action} webhook endpoint {EndpointId}", caller.Name, input.Enabled ? "enabled" : "disabled", endpoint.Id);
        return new Done<string>(input.Enabled ? $"Enabled {endpoint.Url}; events waiting for it go out within a minute." : $"Disabled {endpoint.Url}.");
    }
}

/// <summary>An admin sends a test event to one enabled endpoint, through the same outbox and sender as the real events.</summary>
public sealed class SendTestWebhook(LeadsDbContext db, TimeProvider clock)
{
    public async Task<Outcome> RunAsync(int endpointId, Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin)
        {
            return WebhookAccess.AdminsOnly;
        }
        var endpoint = await db.WebhookEndpoints.AsNoTracking().SingleOrDefaultAsync(e => e.Id == endpointId, cancellationToken);
        if (endpoint is null)
        {
            return new NotFound("That webhook endpoint does not exist.");
        }
        if (!endpoint.Enabled)
        {
            return new Invalid("Enabled", "Enable the endpoint first: a disabled endpoint is sent nothing.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        WebhookOutbox.Stage(db, WebhookEventTypes.Test, new { message = "A test event from PyPyLeads.", sentBy = caller.Name }, now, [endpoint.Id]);
        await db.SaveChangesAsync(cancellationToken);
        return new Done<string>($"Test event queued for {endpoint.Url}; its attempt shows below in a moment.");
    }
}

public static class WebhookAccess
{
    public static readonly NotAllowed AdminsOnly = new("Only admins manage webhooks.");
}

public static class WebhooksUseCases
{
    public static IServiceCollection AddWebhooksUseCases(this IServiceCollection services) =>
        services.AddScoped<SaveWebhookEndpoint>().AddScoped<SetWebhookEndpointEnabled>().AddScoped<SendTestWebhook>()
            .AddSingleton<WebhookSecrets>().AddScoped<WebhookJobs>();
}
