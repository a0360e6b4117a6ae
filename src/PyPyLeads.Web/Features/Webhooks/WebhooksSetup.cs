using System.Net;
using System.Net.Sockets;
using Hangfire;
using Microsoft.Extensions.Options;
using PyPyLeads.Webhooks;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Webhooks;

public static class WebhooksSetup
{
    /// <summary>Signed outbound webhooks: settings, the outbox's after-commit enqueue, the sender's HTTP client and the minutely sweep.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddSettings<WebhookOptions>(WebhookOptions.Section, o => o.Problems());
        services.AddSingleton<WebhookOutbox.AfterCommit>();
        services.AddWebhooksUseCases();
        services.AddHttpClient<WebhookSender>(c =>
            {
                // The sender's own timeout (from the options) governs each try.
                c.Timeout = Timeout.InfiniteTimeSpan;
                c.DefaultRequestHeaders.UserAgent.ParseAdd("PyPyLeads-Webhooks/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                ConnectCallback = ConnectCheckedAsync(sp.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowInsecureLoopback),
            });
        services.AddHostedService<WebhooksStartup>();
        return services;
    }

    /// <summary>
    /// Connects only to public addresses (unless AllowInsecureLoopback): checked on the address actually connected to,
    /// so a host name that resolves (or is re-pointed) into the server's own network is refused too.
    /// </summary>
    private static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCheckedAsync(bool allowPrivate) =>
        async (context, cancellationToken) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
            var allowed = addresses.Where(a => allowPrivate || WebhookUrls.IsAllowed(a)).ToArray();
            if (allowed.Length == 0)
            {
                throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves to no public address; webhooks are not sent into the server's own network.");
            }
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}

/// <summary>At start-up: registers the every-minute sweep that sends deliveries whose job was lost (or whose retry is due).</summary>
public sealed class WebhooksStartup(IServiceScopeFactory scopes, ILogger<WebhooksStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<IRecurringJobManager>()
                .AddOrUpdate<WebhookJobs>(WebhookJobs.SweepJobId, j => j.SweepAsync(CancellationToken.None), EveryMinute.Webhooks);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Webhooks: could not register the minutely sweep");
        }
    }
}
