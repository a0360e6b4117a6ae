using Hangfire;
using Microsoft.Extensions.Options;
using PyPyLeads.Time;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Backups;

/// <summary>
/// Wires backups in: on SQLite, the backup service, the nightly recurring job, and the "database in use" lock that
/// keeps a restore from swapping the file under a running app. On SQL Server backups are the DBA's job: the
/// recurring job is removed and nothing else is registered.
/// </summary>
public static class BackupsSetup
{
    public static IServiceCollection AddBackups(this IServiceCollection services, DataFolder data, DatabaseConnection database)
    {
        services.AddSettings<BackupOptions>(BackupOptions.Section, o => o.Problems());
        services.AddHostedService<BackupSchedule>();
        if (database.Provider != DatabaseProvider.Sqlite)
        {
            return services;
        }
        services.AddSingleton(sp => new SqliteBackups(database.ConnectionString, BackupsFolder(data), sp.GetRequiredService<IOptions<BackupOptions>>().Value.Keep,
            TimeProvider.System, sp.GetRequiredService<ILogger<SqliteBackups>>(), sp.GetRequiredService<IFreeSpace>(),
            sp.GetRequiredService<IOptions<DataOptions>>().Value.MinFreeMegabytes * 1024 * 1024));
        services.AddSingleton(sp => new DatabaseInUse(sp.GetRequiredService<SqliteBackups>().DatabasePath));
        return services;
    }

    public static string BackupsFolder(DataFolder data) => data.File("backups");

    /// <summary>Holds the "in use" lock from before migrations until the app stops (the container disposes it).</summary>
    public static void ClaimDatabase(IServiceProvider services) => services.GetService<DatabaseInUse>();

    /// <summary>Registers (or on SQL Server removes) the recurring backup at start-up; a bad schedule stops the start with a clear message.</summary>
    private sealed class BackupSchedule(IRecurringJobManager recurringJobs, IOptions<BackupOptions> backupOptions, DatabaseConnection database) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (database.Provider != DatabaseProvider.Sqlite)
            {
                recurringJobs.RemoveIfExists(BackupJob.RecurringId);
                return Task.CompletedTask;
            }
            var options = backupOptions.Value;
            // Only Hangfire can say whether it reads the cron expression, so this one check is made as it is given the job.
            try
            {
                recurringJobs.AddOrUpdate<BackupJob>(BackupJob.RecurringId, job => job.RunAsync(null, CancellationToken.None), options.Schedule,
                    new RecurringJobOptions { TimeZone = Zones.Find(options.TimeZone) });
            }
            catch (ArgumentException ex)
            {
                throw new InvalidOperationException($"Backups:Schedule '{options.Schedule}' is not a cron expression (e.g. \"0 3 * * *\" for 03:00 every day): {ex.Message}", ex);
            }
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>
/// A shared lock on <c>&lt;database&gt;.in-use</c> held while the app runs. Any number of app processes share it;
/// the restore command needs it exclusively, so it refuses to run while an app uses the database, and an app
/// cannot start in the middle of a restore.
/// </summary>
public sealed class DatabaseInUse : IDisposable
{
    private readonly FileStream _lock;

    public DatabaseInUse(string databasePath)
    {
        try
        {
            _lock = new FileStream(LockPath(databasePath), FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"A restore of {databasePath} is running: start the app once it has finished. ({ex.Message})", ex);
        }
    }

    public static string LockPath(string databasePath) => databasePath + ".in-use";

    public void Dispose() => _lock.Dispose();
}
