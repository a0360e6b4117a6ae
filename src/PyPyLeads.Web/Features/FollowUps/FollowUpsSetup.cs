using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PyPyLeads.FollowUps;
using PyPyLeads.Mail;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.FollowUps;

public static class FollowUpsSetup
{
    /// <summary>Follow-ups, their reminders (Hangfire jobs, e-mail, notifications), the daily digest and reminder health.</summary>
    public static IServiceCollection AddFollowUps(this IServiceCollection services, DataFolder data)
    {
        services.AddOptions<FollowUpOptions>().BindConfiguration(FollowUpOptions.Section)
            .Validate(AreValid, "FollowUps settings: RetryAfterSeconds is a comma-separated list of seconds, DigestAt a time (08:00), " +
                "StaleClaimSeconds more than SendTimeoutSeconds, LeadTimeDays not negative.")
            .ValidateOnStart();
        services.AddSettings<MailOptions>(MailOptions.Section, MailProblems)
            .PostConfigure(o => o.PickupDirectory = string.IsNullOrWhiteSpace(o.PickupDirectory)
                ? data.File("mail")
                : Path.GetFullPath(o.PickupDirectory, data.Path));
        services.AddSingleton<IMailSender>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<MailOptions>>();
            return options.Value.UsesSmtp ? new SmtpMailSender(options) : new PickupFolderMailSender(options.Value.PickupDirectory!);
        });
        services.AddSingleton<FollowUpDeadlines>();
        services.AddSingleton<ReminderMail>();
        services.AddSingleton<IOpenDeals, OpenDealsQuery>();
        services.AddScoped<ReminderJobs>();
        services.AddScoped<FollowUpScheduler>();
        services.AddScoped<FollowUpDelivery>();
        services.AddSingleton<DeliveryDrainers>();
        services.AddSingleton<ReminderMetrics>();
        services.AddScoped<FollowUpReconciler>();
        services.AddScoped<DailyDigest>();
        services.AddScoped<FollowUpJobs>();
        services.AddSingleton<FollowUpSweeps>();
        services.AddScoped<ReminderHealth>();
        services.AddSingleton<JobServerLiveness>();
        services.AddHostedService<FollowUpsStartup>();
        services.AddHealthChecks().AddCheck<ReminderHealthCheck>("reminders");
        return services;
    }

    private static IEnumerable<string> MailProblems(MailOptions o)
    {
        if (o.Port is < 1 or > 65535)
        {
            yield return $"Mail:Port must be 1 to 65535 (it is {o.Port}).";
        }
        if (!Enum.TryParse<MailKit.Security.SecureSocketOptions>(o.Security, ignoreCase: true, out _))
        {
            yield return $"Mail:Security '{o.Security}' is not one of Auto, None, StartTls, StartTlsWhenAvailable, SslOnConnect.";
        }
        if (!MimeKit.MailboxAddress.TryParse(o.From, out _))
        {
            yield return $"Mail:From '{o.From}' is not an e-mail address (e.g. PyPyLeads <pypyleads@example.org>).";
        }
    }

    private static bool AreValid(FollowUpOptions o)
    {
        try
        {
            _ = o.RetryDelays;
            _ = o.DigestTime;
        }
        catch (FormatException)
        {
            return false;
        }
        return o.StaleClaim > o.SendTimeout && o.LeadTimeDays >= 0 && o.RetryDelays.All(d => d > TimeSpan.Zero);
    }
}

/// <summary>
/// At start-up: registers the every-minute sweep (reconciler, then digests) with Hangfire, then reconciles once, so
/// whatever fell due while the app was down goes out now rather than at the next minute. Then, as a watchdog, runs the
/// reconciler and the digest itself every <see cref="FollowUpOptions.WatchdogSeconds"/> unless a Hangfire sweep
/// completed in this process since its last turn: Hangfire.Storage.SQLite can get stuck (a corrupted hangfire.db, an
/// orphaned lock), and reminders must not depend on it. Racing Hangfire's runs of the same work is safe: every
/// delivery and digest is claimed in the database first.
/// </summary>
public sealed class FollowUpsStartup(IServiceScopeFactory scopes, FollowUpSweeps sweeps, IOptions<FollowUpOptions> options, ILogger<FollowUpsStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        await RunAsync("register the recurring jobs", sp =>
        {
            var recurring = sp.GetRequiredService<IRecurringJobManager>();
            foreach (var retired in FollowUpJobs.RetiredJobIds)
            {
                recurring.RemoveIfExists(retired);
            }
            recurring.AddOrUpdate<FollowUpJobs>(FollowUpJobs.SweepJobId, j => j.SweepAsync(CancellationToken.None), EveryMinute.FollowUps);
            return Task.CompletedTask;
        }, stoppingToken);
        if (options.Value.ReconcileOnStart)
        {
            await RunAsync("reconcile at start-up", sp => sp.GetRequiredService<FollowUpReconciler>().ReconcileAsync(stoppingToken, everyJob: true), stoppingToken);
        }
        if (options.Value.WatchdogSeconds <= 0)
        {
            return;
        }
        // Real time paces the watchdog: it is a polling interval, not a time in the story.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.WatchdogSeconds), TimeProvider.System);
        var sweptBefore = sweeps.Count;
        while (await WaitAsync(timer, stoppingToken))
        {
            var swept = sweeps.Count;
            if (swept != sweptBefore)
            {
                sweptBefore = swept;
                continue;
            }
            await RunAsync("reconcile", sp => sp.GetRequiredService<FollowUpReconciler>().ReconcileAsync(stoppingToken), stoppingToken);
            await RunAsync("send the digests", sp => sp.GetRequiredService<DailyDigest>().SendDueDigestsAsync(stoppingToken), stoppingToken);
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task RunAsync(string what, Func<IServiceProvider, Task> work, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await work(scope.ServiceProvider);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The next run tries again; the app itself keeps running.
            logger.LogError(ex, "Follow-ups: could not {What}", what);
        }
    }
}

/// <summary>/health's "reminders" entry: degraded while no job server runs, deliveries fail, or reminders are late.</summary>
public sealed class ReminderHealthCheck(ReminderHealth health) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = await health.CheckAsync(cancellationToken);
        var data = new Dictionary<string, object>
        {
            ["jobServerRunning"] = report.JobServerRunning,
            ["failedDeliveries"] = report.FailedDeliveries,
            ["lateReminders"] = report.LateReminders,
            ["failedDigests"] = report.FailedDigests,
        };
        return report.IsHealthy
            ? HealthCheckResult.Healthy("Reminders are going out.", data)
            : HealthCheckResult.Degraded(string.Join(" ", report.Problems), data: data);
    }
}
