using Hangfire;
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
    public static IServiceCollection AddBackups(this IServiceCollection services, IConfiguration configuration, DataFolder data)
    {
        var options = configuration.GetSection(BackupOptions.Section).Get<BackupOptions>() ?? new BackupOptions();
        services.AddSingleton(options);
        services.AddHostedService<BackupSchedule>();
        if (Database.Provider(configuration) != DatabaseProvider.Sqlite)
        {
            return services;
        }
        var connectionString = Database.SqliteConnectionString(configuration, data);
        services.AddSingleton(sp => new SqliteBackups(connectionString, BackupsFolder(data), options.Keep,
            TimeProvider.System, sp.GetRequiredService<ILogger<SqliteBackups>>()));
        services.AddSingleton(sp => new DatabaseInUse(sp.GetRequiredService<SqliteBackups>().DatabasePath));
        return services;
    }

    public static string BackupsFolder(DataFolder data) => data.File("backups");

    /// <summary>Holds the "in use" lock from before migrations until the app stops (the container disposes it).</summary>
    public static void ClaimDatabase(IServiceProvider services) => services.GetService<DatabaseInUse>();

    /// <summary>Registers (or on SQL Server removes) the recurring backup at start-up; a bad schedule stops the start with a clear message.</summary>
    private sealed class BackupSchedule(IRecurringJobManager recurringJobs, BackupOptions options, IConfiguration configuration) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (Database.Provider(configuration) != DatabaseProvider.Sqlite)
            {
                recurringJobs.RemoveIfExists(BackupJob.RecurringId);
                return Task.CompletedTask;
            }
            if (!Zones.Exists(options.TimeZone))
            {
                throw new InvalidOperationException($"Backups:TimeZone '{options.TimeZone}' is not a time zone id (e.g. Europe/Stockholm).");
            }
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
