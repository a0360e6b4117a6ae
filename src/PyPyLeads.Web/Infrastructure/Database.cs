using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using PyPyLeads.Data;

namespace PyPyLeads.Web.Infrastructure;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}

/// <summary>The <c>Database</c> settings.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Sqlite (the embedded default) or SqlServer; each has its own migrations assembly.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}

/// <summary>The <c>ConnectionStrings</c> settings.</summary>
public sealed class ConnectionStringOptions
{
    public const string Section = "ConnectionStrings";

    /// <summary>Empty means <c>pypyleads.db</c> in the data folder.</summary>
    public string? Sqlite { get; set; }

    /// <summary>Needed when the provider is SqlServer; Hangfire uses the same database.</summary>
    public string? SqlServer { get; set; }
}

/// <summary>Which database the app uses and how to reach it: read once from the settings, before the container is built.</summary>
public sealed record DatabaseConnection(DatabaseProvider Provider, string ConnectionString)
{
    public static DatabaseConnection From(IConfiguration configuration, DataFolder data)
    {
        var provider = configuration.Read<DatabaseOptions>(DatabaseOptions.Section).Provider;
        var connectionStrings = configuration.Read<ConnectionStringOptions>(ConnectionStringOptions.Section);
        return provider switch
        {
            DatabaseProvider.Sqlite => new(provider, string.IsNullOrWhiteSpace(connectionStrings.Sqlite)
                ? $"Data Source={data.File("pypyleads.db")};Default Timeout=30"
                : connectionStrings.Sqlite),
            _ => new(provider, connectionStrings.SqlServer is { Length: > 0 } sqlServer
                ? sqlServer
                : throw new StartupProblem("Database:Provider is SqlServer but ConnectionStrings:SqlServer is empty: give the connection string, "
                    + "or set Database:Provider=Sqlite for the embedded database.")),
        };
    }
}

public static class Database
{
    public static IServiceCollection AddLeadsDatabase(this IServiceCollection services, DatabaseConnection database)
    {
        var (provider, connectionString) = database;
        // Pooled: a page resolves the context once per request (the sign-in check, the action, the layout's view
        // components), and building a fresh one each time (its options, EF's internal service scope) was a fifth of
        // the list page's allocations. LeadsDbContext keeps no state of its own; EF resets its own on return.
        services.AddDbContextPool<LeadsDbContext>((sp, options) =>
        {
            // Enqueues webhook deliveries once the change that raised them is committed.
            options.AddInterceptors(sp.GetRequiredService<PyPyLeads.Webhooks.WebhookOutbox.AfterCommit>());
            if (provider == DatabaseProvider.Sqlite)
            {
                // A list of ids (ids.Contains(c.Id)) goes as one JSON parameter read with json_each: EF 10's default,
                // a parameter per id, makes EF write the SQL again on every execution (a sixth of the company list's
                // allocations); one parameter keeps one cached SQL text, and SQLite has no plan cache to spoil.
                options.UseSqlite(connectionString, x => x.MigrationsAssembly(LeadsDbContext.SqliteMigrationsAssembly)
                    .UseParameterizedCollectionMode(ParameterTranslationMode.Parameter));
                // The model compiled ahead of time (migrations/add-migration.sh regenerates it; a test fails when it is
                // out of step): building it from the configurations cost about 0.3 s of CPU on every start.
                options.UseModel(PyPyLeads.Migrations.Sqlite.CompiledModel.LeadsDbContextModel.Instance);
                KeptOpenSqliteConnection.Use(options);
                var gate = SqliteWriteGate.For(connectionString);
                options.AddInterceptors(new SqlitePragmas(), new SqliteWriteGate.Transactions(gate), new SqliteWriteGate.Connections(gate));
            }
            else
            {
                // No EnableRetryOnFailure: a retrying strategy refuses the explicit transactions several features
                // open themselves (set-up, invitations, deals...); Transactions.InTransactionAsync is the place to add
                // retries when SQL Server in the cloud needs them.
                UseSqlServer(options, connectionString);
            }
        }, poolSize: provider == DatabaseProvider.Sqlite ? KeptOpenSqliteConnection.PoolSize : 1024);
        return services;
    }

    // Its own method: SQLite starts (the default) then never load EF's SQL Server provider and SqlClient.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UseSqlServer(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlServer(connectionString, x => x.MigrationsAssembly(LeadsDbContext.SqlServerMigrationsAssembly));

    /// <summary>
    /// Applies pending migrations on start. EF Core takes a database-wide lock, so instances sharing SQL Server may race
    /// safely. When none is pending (every start but the first after an upgrade) it only reads the history table:
    /// MigrateAsync would also take the lock, create the history table if missing and diff the model against the
    /// migrations' snapshot, about 0.2 s of CPU (the tests check that the model and the migrations are in step).
    /// </summary>
    public static async Task MigrateAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        if ((await db.Database.GetPendingMigrationsAsync()).Any())
        {
            await db.Database.MigrateAsync();
        }
        if (db.Database.IsSqlite())
        {
            // WAL lets readers go on while one writer writes; the mode is stored in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
    }

    /// <summary>
    /// Per-connection SQLite settings (README, "Durability"). synchronous=FULL under WAL syncs the WAL at every
    /// commit: a committed change survives an application crash and a power cut. (NORMAL would survive a crash but
    /// could lose the last commits to a power cut, without corrupting the file.) busy_timeout makes a writer that
    /// finds another one mid-transaction wait up to 30 s instead of failing at once.
    /// </summary>
    private sealed class SqlitePragmas : DbConnectionInterceptor
    {
        public const string Pragmas = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
