using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Deals;
using PyPyLeads.IntegrationTests.Deals;
using PyPyLeads.Tour;
using PyPyLeads.Webhooks;

namespace PyPyLeads.IntegrationTests.Webhooks;

/// <summary>
/// Signed outbound webhooks, end to end: the real app on its SQLite file and Hangfire, an admin registering a
/// receiver on loopback through the pages, events raised by moving deals through the app.
/// </summary>
public sealed class WebhookTests : IAsyncLifetime
{
    private DealsWorld _w = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _w = await DealsWorld.StartAsync(app => app
            .With("Webhooks:AllowInsecureLoopback", "true")
            .With("Webhooks:RetryAfterSeconds", "60,60,60,60,60,60")
            .With("Webhooks:DisableAfterFailures", "10"));
    }

    public async Task DisposeAsync()
    {
        await _w.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_deal_won_through_the_app_delivers_one_signed_event()
    {
        var endpoint = await AddEndpointAsync(WebhookEventTypes.DealWon);
        var deal = await NegotiatedDealAsync("Yelp");

        await MoveAsync(deal, "Won");

        // Recorded once the receiver has answered.
        Assert.Equal(1, await Eventually.EqualAsync(1, () => AttemptsAsync(endpoint)));
        await SweepAsync(); // nothing more to send
        var received = Assert.Single(_receiver.Requests);
        Assert.True(received.Verified);
        Assert.Equal(200, received.AnsweredWith);
        using var json = JsonDocument.Parse(received.Body);
        Assert.Equal("deal.won", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(deal, json.RootElement.GetProperty("data").GetProperty("dealId").GetInt32());
        Assert.Equal("Won", json.RootElement.GetProperty("data").GetProperty("to").GetString());
        Assert.Equal(DealsWorld.Start.ToUnixTimeSeconds(), received.Timestamp);
        var delivery = await _w.DbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.EndpointId == endpoint));
        Assert.Equal((WebhookDeliveryState.Delivered, 1, received.Id), (delivery.State, delivery.Attempts, delivery.EventId));
        var page = await _w.Admin.GetPageAsync($"/webhooks/{endpoint}");
        Assert.Equal("HTTP 200", Assert.Single(page.QuerySelectorAll("[data-testid=attempt-answer]")).TextContent.Trim());
    }

    [Fact]
    public async Task Through_a_receiver_outage_each_event_is_delivered_exactly_once_after_it_recovers_and_every_attempt_is_logged()
    {
        var endpoint = await AddEndpointAsync(WebhookEventTypes.DealStageChanged);
        _receiver.Status = 500;
        var deals = new[] { await NegotiatedDealAsync("Google"), await NegotiatedDealAsync("Mozilla"), await NegotiatedDealAsync("Stanford") };
        foreach (var deal in deals)
        {
            await MoveAsync(deal, "Won");
        }
        // Each first try, from its Hangfire job after the commit, meets the outage.
        Assert.Equal(3, await Eventually.EqualAsync(3, () => AttemptsAsync(endpoint)));
        Assert.All(_receiver.Requests, r => Assert.Equal(500, r.AnsweredWith));

        // Still down at the first retry.
        _w.Clock.Advance(TimeSpan.FromSeconds(61));
        await SweepAsync();
        Assert.Equal(6, await AttemptsAsync(endpoint));

        // Back: the second retry delivers each event once, and a further sweep sends nothing.
        _receiver.Status = 200;
        _w.Clock.Advance(TimeSpan.FromSeconds(61));
        await SweepAsync();
        _w.Clock.Advance(TimeSpan.FromHours(1));
        await SweepAsync();

        var accepted = _receiver.Accepted;
        Assert.Equal(3, accepted.Count);
        Assert.Equal(3, accepted.Select(r => r.Id).Distinct().Count());
        Assert.Equal(deals.Order(), accepted.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("data").GetProperty("dealId").GetInt32()).Order());
        Assert.Equal(9, _receiver.Requests.Count);
        Assert.All(_receiver.Requests, r => Assert.True(r.Verified));
        Assert.Equal(9, await AttemptsAsync(endpoint));
        var page = await _w.Admin.GetPageAsync($"/webhooks/{endpoint}");
        var answers = page.QuerySelectorAll("[data-testid=attempt-answer]").Select(a => a.TextContent.Trim()).ToList();
        Assert.Equal(6, answers.Count(a => a == "HTTP 500"));
        Assert.Equal(3, answers.Count(a => a == "HTTP 200"));
        Assert.Equal("Enabled", DealsWorld.Text(page, "webhook-state"));
    }

    [Fact]
    public async Task Repeated_failures_disable_the_endpoint_and_admins_see_a_banner_until_it_is_enabled_again()
    {
        var endpoint = await AddEndpointAsync(WebhookEventTypes.DealWon);
        _receiver.Status = 500;
        await MoveAsync(await NegotiatedDealAsync("Yelp"), "Won");
        await MoveAsync(await NegotiatedDealAsync("Google"), "Won");
        Assert.Equal(2, await Eventually.EqualAsync(2, () => AttemptsAsync(endpoint)));
        for (var i = 0; i < 4; i++)
        {
            _w.Clock.Advance(TimeSpan.FromSeconds(61));
            await SweepAsync();
        }

        Assert.Equal(10, await AttemptsAsync(endpoint));
        var home = await _w.Admin.GetPageAsync("/");
        Assert.Contains("disabled after failing", DealsWorld.Text(home, "webhooks-banner"));
        Assert.Null((await _w.OpenEnd.GetPageAsync("/")).QuerySelector("[data-testid=webhooks-banner]"));
        var page = await _w.Admin.GetPageAsync($"/webhooks/{endpoint}");
        Assert.StartsWith("Disabled", DealsWorld.Text(page, "webhook-state"));
        Assert.Contains("10 failed tries in a row", DealsWorld.Text(page, "webhook-state"));
        // Disabled, it is sent nothing more.
        _w.Clock.Advance(TimeSpan.FromHours(1));
        await SweepAsync();
        Assert.Equal(10, _receiver.Requests.Count);

        // Enabled again, the waiting event goes out once the receiver is back.
        _receiver.Status = 200;
        People.Expect(await _w.Admin.PostFormAsync($"/webhooks/{endpoint}", new Dictionary<string, string>(), $"/webhooks/{endpoint}/enabled"), HttpStatusCode.Redirect);
        Assert.Null((await _w.Admin.GetPageAsync("/")).QuerySelector("[data-testid=webhooks-banner]"));
        await SweepAsync();
        Assert.Equal(2, _receiver.Accepted.Count);
        Assert.Equal(2, await _w.DbAsync(db => db.WebhookDeliveries.CountAsync(d => d.State == WebhookDeliveryState.Delivered)));
    }

    [Fact]
    public async Task Members_of_either_consultancy_can_neither_see_nor_change_webhook_endpoints()
    {
        var endpoint = await AddEndpointAsync(WebhookEventTypes.DealWon);
        foreach (var member in new[] { _w.OpenEnd, _w.Merlinux })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/webhooks")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/webhooks/{endpoint}")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/webhooks/{endpoint}/edit")).StatusCode);
            var fields = new Dictionary<string, string> { ["Url"] = "https://evil.example.com/", ["EventTypes"] = "deal.won" };
            Assert.Equal(HttpStatusCode.Forbidden, (await DealsWorld.PostAsync(member, "/webhooks/new", fields)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await DealsWorld.PostAsync(member, $"/webhooks/{endpoint}/edit", fields)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await DealsWorld.PostAsync(member, $"/webhooks/{endpoint}/enabled", new Dictionary<string, string> { ["enabled"] = "false" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await DealsWorld.PostAsync(member, $"/webhooks/{endpoint}/test", new Dictionary<string, string>())).StatusCode);
            Assert.DoesNotContain("Webhooks", (await member.GetPageAsync("/")).QuerySelector("#main-nav")?.TextContent ?? "");
        }
        var saved = await _w.DbAsync(db => db.WebhookEndpoints.AsNoTracking().SingleAsync());
        Assert.Equal((_receiver.Url, true, "deal.won"), (saved.Url, saved.Enabled, saved.EventTypes));
        Assert.Equal(1, await _w.DbAsync(db => db.WebhookEndpoints.CountAsync()));
    }

    [Fact]
    public async Task A_tampered_body_or_another_secret_fails_the_receivers_check()
    {
        var endpoint = await AddEndpointAsync(WebhookEventTypes.DealWon);
        People.Expect(await _w.Admin.PostFormAsync($"/webhooks/{endpoint}", new Dictionary<string, string>(), $"/webhooks/{endpoint}/test"), HttpStatusCode.Redirect);
        Assert.Equal(1, await Eventually.EqualAsync(1, () => Task.FromResult(_receiver.Requests.Count)));
        var sent = _receiver.Requests.Single();
        var signature = WebhookSignature.Sign(_receiver.Secret!, sent.Id, sent.Timestamp, sent.Body);

        Assert.True(sent.Verified);
        Assert.Contains("\"type\":\"webhook.test\"", sent.Body);
        Assert.True(WebhookReceiver.Verifies(_receiver.Secret!, sent.Id, sent.Timestamp, sent.Body, signature));
        Assert.False(WebhookReceiver.Verifies(_receiver.Secret!, sent.Id, sent.Timestamp, sent.Body.Replace("webhook.test", "deal.won"), signature));
        Assert.False(WebhookReceiver.Verifies(_receiver.Secret!, sent.Id, sent.Timestamp + 1, sent.Body, signature));
        Assert.False(WebhookReceiver.Verifies(WebhookSignature.NewSecret(), sent.Id, sent.Timestamp, sent.Body, signature));
    }

    [Fact]
    public async Task A_non_https_url_is_refused_with_a_message_beside_the_field()
    {
        await using var production = await DealsWorld.StartAsync(withMembers: false);
        foreach (var url in new[] { "http://hooks.example.com/pypyleads", "http://127.0.0.1:9/hook" })
        {
            var response = await production.Admin.PostFormAsync("/webhooks/new", new Dictionary<string, string> { ["Url"] = url, ["EventTypes"] = "deal.won" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Only https:// URLs are accepted: the events carry your leads' data.", (await response.ReadPageAsync()).FieldError("Url"));
        }
        var inside = await production.Admin.PostFormAsync("/webhooks/new", new Dictionary<string, string> { ["Url"] = "https://10.1.2.3/hook", ["EventTypes"] = "deal.won" });
        Assert.Equal("That address is on this server's own network; give the receiver's public address.", (await inside.ReadPageAsync()).FieldError("Url"));
        var noEvents = await production.Admin.PostFormAsync("/webhooks/new", new Dictionary<string, string> { ["Url"] = "https://hooks.example.com/pypyleads" });
        Assert.Equal("Choose at least one event.", (await noEvents.ReadPageAsync()).FieldError("EventTypes"));
        Assert.Equal(0, await production.DbAsync(db => db.WebhookEndpoints.CountAsync()));
    }

    /// <summary>Adds the receiver as an endpoint through the admin pages and hands it the secret the endpoint page shows.</summary>
    private async Task<int> AddEndpointAsync(string eventType)
    {
        var response = await _w.Admin.PostFormAsync("/webhooks/new", new Dictionary<string, string>
        {
            ["Url"] = _receiver.Url, ["Description"] = "The test receiver", ["EventTypes"] = eventType,
        });
        People.Expect(response, HttpStatusCode.Redirect);
        var location = response.Headers.Location!.OriginalString;
        var page = await _w.Admin.GetPageAsync(location);
        _receiver.Secret = DealsWorld.Text(page, "webhook-secret");
        Assert.StartsWith("whsec_", _receiver.Secret);
        return int.Parse(location.Split('/').Last(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<int> NegotiatedDealAsync(string company) =>
        await _w.DealAsync(await _w.CompanyAsync(company, Consultancy.OpenEndId), Consultancy.OpenEndId, People.AdminEmail, DealStage.Negotiation);

    private async Task MoveAsync(int deal, string stage) =>
        People.Expect(await DealsWorld.PostAsync(_w.Admin, $"/deals/{deal}/move", new Dictionary<string, string> { ["Stage"] = stage, ["Version"] = "0" }),
            HttpStatusCode.Redirect);

    private Task<int> AttemptsAsync(int endpoint) => _w.DbAsync(db => db.WebhookAttempts.CountAsync(a => a.EndpointId == endpoint));

    /// <summary>The minutely sweep, run now rather than waiting for Hangfire's next minute.</summary>
    private async Task SweepAsync()
    {
        using var scope = _w.App.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<WebhookJobs>().SweepAsync(CancellationToken.None);
    }
}
