using Hangfire;
using PyPyLeads.Companies;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.CompanyImport;

public static class CompanyImportSetup
{
    /// <summary>CSV imports' settings and their upkeep: carrying on an import whose run stopped, and deleting old uploads.</summary>
    public static IServiceCollection AddCompanyImport(this IServiceCollection services)
    {
        services.AddSettings<ImportOptions>(ImportOptions.Section, o => o.Problems());
        services.AddScoped<CsvImportMaintenance>();
        services.AddScoped<CsvImportJobs>();
        services.AddHostedService<CompanyImportStartup>();
        return services;
    }
}

/// <summary>
/// At start-up: registers the every-minute upkeep with Hangfire and prunes old uploads, then carries on any import a
/// stopped process left, at once or the moment its claim runs out, without waiting for Hangfire (whose own locks a
/// killed process may hold for a while).
/// </summary>
public sealed class CompanyImportStartup(IServiceScopeFactory scopes, ILogger<CompanyImportStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await using (var scope = scopes.CreateAsyncScope())
            {
                scope.ServiceProvider.GetRequiredService<IRecurringJobManager>()
                    .AddOrUpdate<CsvImportJobs>(CsvImportMaintenance.RecurringJobId, j => j.MaintainAsync(CancellationToken.None), EveryMinute.Imports);
                await scope.ServiceProvider.GetRequiredService<CsvImportMaintenance>().PruneAsync(stoppingToken);
            }
            // Until no import is held any more: one held by a live run (another instance) ends when it is done.
            while (true)
            {
                await using var scope = scopes.CreateAsyncScope();
                if (await scope.ServiceProvider.GetRequiredService<CsvImportMaintenance>().ResumeAsync(stoppingToken) is not { } wait)
                {
                    break;
                }
                // Real time paces the look: the lease is a duration, whatever the app clock's story.
                await Task.Delay(wait + TimeSpan.FromMilliseconds(500), TimeProvider.System, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The recurring run tries again each minute; the app itself keeps running.
            logger.LogError(ex, "CSV imports: could not carry on stopped imports or prune old uploads at start-up");
        }
    }
}
