using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;
using PyPyLeads.IntegrationTests.FollowUps;
using PyPyLeads.Webhooks;

namespace PyPyLeads.IntegrationTests.Webhooks;

/// <summary>Where events are raised: each use case stages one delivery per enabled, subscribed endpoint with its own change.</summary>
public sealed class WebhookEventTests
{
    [Fact]
    public async Task A_public_request_a_reminder_sent_and_a_reminder_that_failed_each_raise_one_event_per_enabled_subscribed_endpoint()
    {
        await using var rig = await ReminderRig.StartAsync(configure: app => app
            .With("PublicForm:PermitsPerHour", "1000")
            .With("FollowUps:RetryAfterSeconds", "30"));
        var all = string.Join(' ', WebhookEventTypes.All.Select(t => t.Type));
        var everything = await EndpointAsync(rig, all, enabled: true);
        var companiesOnly = await EndpointAsync(rig, WebhookEventTypes.CompanyCreated, enabled: true);
        var disabled = await EndpointAsync(rig, all, enabled: false);

        People.Expect(await rig.App.Client().PostFormAsync("/invite", new Dictionary<string, string>
        {
            ["CompanyName"] = "Yelp", ["WebDomain"] = "yelp.com", ["ContactName"] = "Jane Doe", ["ContactEmail"] = "jane@yelp.com",
            ["Address"] = "706 Mission St", ["City"] = "San Francisco", ["PreferredDates"] = "March 4, afternoon", ["AudienceSize"] = "40",
            ["Topics"] = "JitSpeed", ["OtherTopics"] = "", ["ConvinceManagement"] = "Numbers on our web stack",
        }), HttpStatusCode.Redirect, "/invite/thanks");
        var company = await rig.CompanyAsync("Google");
        var reminded = await rig.NewFollowUpAsync(company, TimeSpan.FromMinutes(1), "Ask about the JIT numbers");
        rig.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(DeliveryOutcome.Sent, await rig.RunJobAsync(reminded));
        var failing = await rig.NewFollowUpAsync(company, TimeSpan.FromMinutes(1));
        await rig.Smtp.StopAsync();
        rig.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(DeliveryOutcome.RetryScheduled, await rig.RunJobAsync(failing));
        rig.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(DeliveryOutcome.Failed, await rig.RunJobAsync(failing));

        var deliveries = await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().WebhookDeliveries.AsNoTracking().OrderBy(d => d.Id).ToListAsync());
        Assert.Equal(
            [WebhookEventTypes.CompanyCreated, WebhookEventTypes.PresentationRequested, WebhookEventTypes.FollowUpDue, WebhookEventTypes.ReminderDeliveryFailed],
            deliveries.Where(d => d.EndpointId == everything).Select(d => d.EventType));
        Assert.Equal([WebhookEventTypes.CompanyCreated], deliveries.Where(d => d.EndpointId == companiesOnly).Select(d => d.EventType));
        Assert.DoesNotContain(deliveries, d => d.EndpointId == disabled);
        // One event, one id, whichever endpoint it goes to.
        Assert.Single(deliveries.Where(d => d.EventType == WebhookEventTypes.CompanyCreated).Select(d => d.EventId).Distinct());
        Assert.Equal(4, deliveries.Where(d => d.EndpointId == everything).Select(d => d.EventId).Distinct().Count());
        Assert.Contains("\"company\":\"Yelp\"", deliveries.Single(d => d.EventType == WebhookEventTypes.PresentationRequested).Payload);
        Assert.Contains($"\"followUpId\":{reminded}", deliveries.Single(d => d.EventType == WebhookEventTypes.FollowUpDue).Payload);
        Assert.Contains($"\"followUpId\":{failing}", deliveries.Single(d => d.EventType == WebhookEventTypes.ReminderDeliveryFailed).Payload);
    }

    [Fact]
    public async Task An_event_is_never_queued_twice_for_the_same_endpoint()
    {
        await using var rig = await ReminderRig.StartAsync();
        var endpoint = await EndpointAsync(rig, WebhookEventTypes.CompanyCreated, enabled: true);
        var copy = await rig.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<LeadsDbContext>();
            WebhookOutbox.Stage(db, WebhookEventTypes.CompanyCreated, new { companyId = 1 }, rig.Clock.GetUtcNow().UtcDateTime, [endpoint]);
            await db.SaveChangesAsync();
            var first = await db.WebhookDeliveries.AsNoTracking().SingleAsync();
            db.ChangeTracker.Clear();
            db.WebhookDeliveries.Add(new WebhookDelivery { EventId = first.EventId, EndpointId = endpoint, EventType = first.EventType, Payload = first.Payload });
            return await Record.ExceptionAsync(() => db.SaveChangesAsync());
        });
        Assert.IsType<DbUpdateException>(copy);
    }

    [Fact]
    public async Task Deliveries_whose_jobs_were_lost_are_sent_by_the_sweep_once_each_even_with_three_sweeps_at_once_and_deleted_after_30_days()
    {
        // No Hangfire server in this app: the jobs enqueued after the commits never run, as after a crash.
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var rig = await ReminderRig.StartAsync(configure: app => app.With("Webhooks:AllowInsecureLoopback", "true"));
        receiver.Secret = WebhookSignature.NewSecret();
        var endpoint = await EndpointAsync(rig, WebhookEventTypes.CompanyCreated, enabled: true, receiver.Url, receiver.Secret);
        for (var i = 0; i < 20; i++)
        {
            await rig.InScopeAsync(async sp =>
            {
                var db = sp.GetRequiredService<LeadsDbContext>();
                WebhookOutbox.Stage(db, WebhookEventTypes.CompanyCreated, new { companyId = i }, rig.Clock.GetUtcNow().UtcDateTime, [endpoint]);
                return await db.SaveChangesAsync();
            });
        }

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => rig.InScopeAsync(async sp =>
        {
            await sp.GetRequiredService<WebhookJobs>().SweepAsync(CancellationToken.None);
            return 0;
        })));

        Assert.Equal(20, receiver.Requests.Count);
        Assert.Equal(20, receiver.Accepted.Select(r => r.Id).Distinct().Count());
        var states = await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().WebhookDeliveries.Select(d => new { d.State, d.Attempts }).ToListAsync());
        Assert.All(states, s => Assert.Equal((WebhookDeliveryState.Delivered, 1), (s.State, s.Attempts)));
        Assert.Equal(20, await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().WebhookAttempts.CountAsync()));

        // Kept 30 days (the default), then deleted with their attempts.
        rig.Clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1));
        await rig.InScopeAsync(async sp => { await sp.GetRequiredService<WebhookJobs>().SweepAsync(CancellationToken.None); return 0; });
        Assert.Equal(20, await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().WebhookDeliveries.CountAsync()));
        rig.Clock.Advance(TimeSpan.FromMinutes(2));
        await rig.InScopeAsync(async sp => { await sp.GetRequiredService<WebhookJobs>().SweepAsync(CancellationToken.None); return 0; });
        Assert.Equal(0, await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().WebhookDeliveries.CountAsync()));
        Assert.Equal(0, await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().WebhookAttempts.CountAsync()));
    }

    private static Task<int> EndpointAsync(ReminderRig rig, string events, bool enabled, string? url = null, string? secret = null) => rig.InScopeAsync(async sp =>
    {
        var db = sp.GetRequiredService<LeadsDbContext>();
        var endpoint = new WebhookEndpoint
        {
            Url = url ?? "https://hooks.example.com/" + Guid.NewGuid().ToString("N"), EventTypes = events, Enabled = enabled,
            ProtectedSecret = sp.GetRequiredService<WebhookSecrets>().Protect(secret ?? WebhookSignature.NewSecret()),
        };
        db.WebhookEndpoints.Add(endpoint);
        await db.SaveChangesAsync();
        return endpoint.Id;
    });
}
