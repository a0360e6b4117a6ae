using System.Runtime.CompilerServices;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.SqlServer;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace PyPyLeads.Web.Infrastructure;

/// <summary>
/// Hangfire set-up. SQL Server uses Hangfire.SqlServer with its recommended options. The embedded default uses
/// Hangfire.Storage.SQLite in its own file beside the app's database: it survives a restart, but it has open
/// reports of a job occasionally running twice, so jobs treat the app's database as the source of truth and
/// claim their work there before acting on it.
/// </summary>
public static class BackgroundJobs
{
    public static IServiceCollection AddBackgroundJobs(this IServiceCollection services, IConfiguration configuration, DataFolder data, DatabaseConnection database)
    {
        services.AddSettings<JobServerOptions>(JobServerOptions.Section, o => o.Problems());
        // Whether to add the server at all, and its workers, are decided before the container exists.
        var jobServer = configuration.Read<JobServerOptions>(JobServerOptions.Section, o => o.Problems());
        // Hangfire keeps its storage, activator and log provider in static globals. Registering our own instances
        // (Hangfire's AddHangfire only adds them when missing) keeps each host on its own, as the test suite's
        // several hosts in one process need; in production there is one host and it changes nothing.
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddSingleton<JobStorage>(sp =>
        {
            sp.GetRequiredService<IGlobalConfiguration>(); // configures logging before the storage logs anything
            return CreateStorage(database, data);
        });
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HostLogProvider(sp.GetRequiredService<ILoggerFactory>())));

        if (jobServer.RunServer)
        {
            services.AddHangfireServer(options =>
            {
                // Delayed jobs are moved to the queue by this poller; Hangfire's default is 15 s.
                options.SchedulePollingInterval = TimeSpan.FromSeconds(1);
                options.WorkerCount = jobServer.Workers;
            });
        }
        services.AddHealthChecks().AddCheck<HangfireStorageHealthCheck>("hangfire");
        return services;
    }

    private static JobStorage CreateStorage(DatabaseConnection database, DataFolder data) =>
        database.Provider == DatabaseProvider.SqlServer
            ? SqlServer(database.ConnectionString)
            : WithSchedulerIndexes(new SQLiteStorage(data.File("hangfire.db"), new SQLiteStorageOptions
            {
                // The default 15 s would delay every enqueued job by up to that much.
                QueuePollInterval = TimeSpan.FromSeconds(1),
                // A held lock's heartbeat (every fifth of this) writes on the holder's own connection from a timer
                // thread; when it fires while the holder is still busy (the scheduler moving a thousand due jobs
                // at once) the two corrupt hangfire.db (Hangfire.Storage.SQLite issue #79). Seen here with 10,000
                // follow-ups due together at the default 30 s; at 5 minutes the heartbeat comes once a minute.
                DistributedLockLifetime = TimeSpan.FromMinutes(5),
            }), data.File("hangfire.db"));

    // Its own method: SQLite starts (the default) then never load Hangfire.SqlServer and SqlClient.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static JobStorage SqlServer(string connectionString) => new SqlServerStorage(connectionString, new SqlServerStorageOptions
    {
        CommandBatchMaxTimeout = TimeSpan.FromMinutes(5),
        SlidingInvisibilityTimeout = TimeSpan.FromMinutes(5),
        QueuePollInterval = TimeSpan.Zero,
        UseRecommendedIsolationLevel = true,
        DisableGlobalLocks = true,
    });

    /// <summary>
    /// Indexes Hangfire.Storage.SQLite does not create. Its "Set" table is indexed on Key and on Value separately, so
    /// the scheduler's "first due job" (Key = 'schedule', Score up to now, lowest first), asked every second and once
    /// for every delayed job it moves to the queue, read every waiting job's row and sorted the due ones each time
    /// (with 10,000 reminders waiting: about 5 ms for the query alone, against 0.01 ms with the index). (Key, Value)
    /// makes adding a job to the schedule and removing it a point lookup instead of a read of the whole schedule. (The
    /// library still reads every due row per lookup, as its query has no LIMIT: in a burst that part stays.) The
    /// storage has created its tables by now; IF NOT EXISTS makes this safe to repeat and to race.
    /// </summary>
    internal static readonly string[] SchedulerIndexes =
    [
        """CREATE INDEX IF NOT EXISTS "IX_Set_Key_Score" ON "Set" ("Key", "Score")""",
        """CREATE INDEX IF NOT EXISTS "IX_Set_Key_Value" ON "Set" ("Key", "Value")""",
    ];

    private static SQLiteStorage WithSchedulerIndexes(SQLiteStorage storage, string path)
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30, Pooling = false };
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(builder.ConnectionString);
        connection.Open();
        foreach (var sql in SchedulerIndexes)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
        return storage;
    }

    /// <summary>Hangfire's logs through the host's logging; a logger asked of a host already stopped logs nothing.</summary>
    private sealed class HostLogProvider(ILoggerFactory loggerFactory) : Hangfire.Logging.ILogProvider
    {
        private readonly AspNetCoreLogProvider _inner = new(loggerFactory);

        public Hangfire.Logging.ILog GetLogger(string name)
        {
            try
            {
                return _inner.GetLogger(name);
            }
            catch (ObjectDisposedException)
            {
                return Silent.Instance;
            }
        }

        private sealed class Silent : Hangfire.Logging.ILog
        {
            public static readonly Silent Instance = new();

            public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
        }
    }
}

/// <summary>Healthy when Hangfire's storage answers; degraded when it answers but no job server is alive.</summary>
public sealed class HangfireStorageHealthCheck(JobStorage storage, IOptions<JobServerOptions> jobServer) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var servers = storage.GetMonitoringApi().Servers().Count;
            var expectServer = jobServer.Value.RunServer;
            var data = new Dictionary<string, object> { ["servers"] = servers };
            return Task.FromResult(servers == 0 && expectServer
                ? HealthCheckResult.Degraded("Hangfire storage answers but no job server is running.", data: data)
                : HealthCheckResult.Healthy("Hangfire storage answers.", data));
        }
        catch (Exception ex)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Hangfire storage does not answer.", ex));
        }
    }
}

/// <summary>The <c>Hangfire</c> settings.</summary>
public sealed class JobServerOptions
{
    public const string Section = "Hangfire";

    /// <summary>Run Hangfire's job server in the web process (off for an instance that only serves pages).</summary>
    public bool RunServer { get; set; } = true;

    /// <summary>Hangfire's workers; unset means <see cref="Workers"/>' default.</summary>
    public int? WorkerCount { get; set; }

    /// <summary>
    /// One worker may sit for up to a minute sending reminders due in the next seconds on the dot, another draining a
    /// burst, others waiting out a job's few seconds' early wake-up: four leaves room for the every-minute jobs, more
    /// on a machine with more cores. (Idle workers only poll the queue.)
    /// </summary>
    public int Workers => WorkerCount ?? Math.Max(4, Environment.ProcessorCount);

    public IEnumerable<string> Problems()
    {
        if (WorkerCount is < 1)
        {
            yield return $"Hangfire:WorkerCount must be at least 1 (it is {WorkerCount}).";
        }
    }
}

/// <summary>
/// The second of the minute each feature's every-minute job runs at. All at :00, the follow-up sweep, the import
/// maintenance, the mailbox check and the webhook sweep ran together on the app's core at every minute turn and held
/// pages up for about a second (the benchmark's dashboard: 710 requests over 25 ms in the run that crossed :00, none in
/// the others); spread over the minute, each runs alone.
/// </summary>
public static class EveryMinute
{
    public static readonly string FollowUps = Cron.Minutely();
    public static readonly string Imports = At(15);
    public static readonly string Mailbox = At(30);
    public static readonly string Webhooks = At(45);

    // Six fields: Hangfire reads the first as the second (the server polls its schedule every second).
    private static string At(int second) => $"{second} * * * * *";
}
