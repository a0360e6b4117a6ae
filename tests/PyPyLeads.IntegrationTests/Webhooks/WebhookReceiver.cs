using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace PyPyLeads.IntegrationTests.Webhooks;

/// <summary>
/// A webhook receiver on a real loopback port, as a customer would write one: it checks each request's Standard
/// Webhooks signature with the endpoint's secret (its own code, not the app's), answers <see cref="Status"/>, and
/// keeps every request it got.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    public sealed record Received(string Id, long Timestamp, string Body, bool Verified, int AnsweredWith);

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>The endpoint's secret, set once the admin page shows it; until then nothing verifies.</summary>
    public string? Secret { get; set; }

    /// <summary>What the receiver answers now: 500 during an outage.</summary>
    public int Status { get; set; } = 200;

    public ConcurrentQueue<Received> Requests { get; } = new();

    public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hooks/pypyleads";

    /// <summary>The events it accepted (verified and answered 2xx), by webhook-id.</summary>
    public IReadOnlyList<Received> Accepted => Requests.Where(r => r.Verified && r.AnsweredWith is >= 200 and < 300).ToList();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks/pypyleads", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var id = http.Request.Headers["webhook-id"].ToString();
            var timestamp = long.TryParse(http.Request.Headers["webhook-timestamp"].ToString(), out var t) ? t : -1;
            var verified = receiver.Secret is { } secret && Verifies(secret, id, timestamp, body, http.Request.Headers["webhook-signature"].ToString());
            var status = verified ? receiver.Status : 401;
            receiver.Requests.Enqueue(new Received(id, timestamp, body, verified, status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>The receiver's check, written from the Standard Webhooks specification.</summary>
    public static bool Verifies(string secret, string id, long timestamp, string body, string signatureHeader)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        return signatureHeader.Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(s), Encoding.UTF8.GetBytes(expected)));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
