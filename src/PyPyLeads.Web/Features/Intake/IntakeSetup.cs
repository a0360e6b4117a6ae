using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PyPyLeads.Intake;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Intake;

public static class IntakeSetup
{
    /// <summary>E-mail intake: the settings (checked at start), the mailbox or drop folder, the every-minute check and its health.</summary>
    public static IServiceCollection AddIntake(this IServiceCollection services, DataFolder data)
    {
        services.AddSettings<IntakeOptions>(IntakeOptions.Section, o => o.Problems());
        services.AddSingleton(sp =>
        {
            var configured = sp.GetRequiredService<IOptions<IntakeOptions>>().Value.DropFolder;
            return new IntakeDropFolder(string.IsNullOrWhiteSpace(configured) ? data.File("inbox") : Path.GetFullPath(configured, data.Path));
        });
        services.AddIntakeUseCases();
        services.AddHostedService<IntakeStartup>();
        services.AddHealthChecks().AddCheck<IntakeHealthCheck>("mailbox");
        return services;
    }
}

/// <summary>At start-up: registers the every-minute check of the mailbox with Hangfire.</summary>
public sealed class IntakeStartup(IServiceScopeFactory scopes, ILogger<IntakeStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<IRecurringJobManager>()
                .AddOrUpdate<IntakeJobs>(IntakeJobs.CheckJobId, j => j.CheckAsync(CancellationToken.None), EveryMinute.Mailbox);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The app runs on; the admins' "check now" still reads the mailbox.
            logger.LogError(ex, "Mail intake: could not register the every-minute check");
        }
    }
}

/// <summary>/health's "mailbox" entry: degraded while the last check of the mailbox failed.</summary>
public sealed class IntakeHealthCheck(IntakeHealth health) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = await health.CheckAsync(cancellationToken);
        var data = new Dictionary<string, object>
        {
            ["mailbox"] = report.Mailbox,
            ["lastSuccessUtc"] = report.LastSuccessAtUtc?.ToString("o") ?? "",
            ["lastFailureUtc"] = report.LastFailureAtUtc?.ToString("o") ?? "",
        };
        return report.IsHealthy
            ? HealthCheckResult.Healthy(report.LastSuccessAtUtc is null ? "The mailbox has not been checked yet." : "The mailbox is being read.", data)
            : HealthCheckResult.Degraded($"The mailbox cannot be read since {report.LastFailureAtUtc:u}: {report.LastError}", data: data);
    }
}
