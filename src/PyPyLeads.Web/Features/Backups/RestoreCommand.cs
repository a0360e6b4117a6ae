using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Backups;

/// <summary>
/// <c>dotnet run --project src/PyPyLeads.Web -- restore &lt;file&gt;</c>, run while the app is stopped. Checks the file
/// first (SQLite, integrity_check, PyPyLeads' migrations, none newer than this app knows), keeps the current
/// database aside under a timestamped name instead of overwriting it, puts the backup in its place and says what it did.
/// Exit code 0 when restored, 1 when refused (nothing was changed), 2 for a usage error.
/// </summary>
public static class RestoreCommand
{
    public const string Verb = "restore";

    /// <param name="args">The arguments after "restore": the file, then any settings (<c>--Data:Directory=...</c>).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var file = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : null;
        if (file is null)
        {
            await error.WriteLineAsync("Usage: dotnet run --project src/PyPyLeads.Web -- restore <backup file or name> [--Data:Directory=...]");
            return 2;
        }

        // The same settings and data folder the app would use when started with these arguments.
        var settings = args[1..];
        var builder = WebApplication.CreateBuilder(settings);
        builder.Configuration.AddRepositoryAppSettings();
        if (builder.Configuration.Read<DatabaseOptions>(DatabaseOptions.Section).Provider != DatabaseProvider.Sqlite)
        {
            return await Refuse(error, "The database is SQL Server: restore it with SQL Server's own tools (that is the database administrator's job). This command restores the embedded SQLite database.");
        }
        var data = DataFolder.From(builder.Configuration, builder.Environment);
        var databasePath = Path.GetFullPath(new SqliteConnectionStringBuilder(DatabaseConnection.From(builder.Configuration, data).ConnectionString).DataSource);
        var backupsFolder = BackupsSetup.BackupsFolder(data);

        var source = Locate(file, backupsFolder);
        if (source is null)
        {
            return await Refuse(error, $"There is no file {file} (looked in {Directory.GetCurrentDirectory()}, the folder you ran the command from, and {backupsFolder}).");
        }
        if (string.Equals(source, databasePath, StringComparison.Ordinal))
        {
            return await Refuse(error, $"{source} is the current database itself: give a backup.");
        }

        FileStream inUse;
        try
        {
            inUse = new FileStream(DatabaseInUse.LockPath(databasePath), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return await Refuse(error, $"The app is running on {databasePath}: stop it first, then restore.");
        }

        await using (inUse)
        {
            // The check runs on a copy beside the database, so the backup itself is never changed and the final
            // move is a rename on one file system.
            var staged = databasePath + ".restoring";
            File.Copy(source, staged, overwrite: true);
            try
            {
                var check = SqliteFiles.Check(staged);
                if (!check.Passed)
                {
                    return await Refuse(error, $"{source} cannot be restored: {check.Problem}");
                }
                var newer = check.Migrations.Except(KnownMigrations()).ToList();
                if (newer.Count > 0)
                {
                    return await Refuse(error, $"{source} was written by a newer PyPyLeads (migrations {string.Join(", ", newer)} are unknown to this one): update the app first.");
                }
                using (var connection = SqliteFiles.Open(staged))
                using (var command = connection.CreateCommand())
                {
                    command.CommandText = "PRAGMA journal_mode=DELETE;"; // one file; the app turns WAL back on when it starts
                    command.ExecuteNonQuery();
                }

                string? keptAs = null;
                if (File.Exists(databasePath))
                {
                    keptAs = PutAside(databasePath, output);
                }
                File.Move(staged, databasePath);
                await output.WriteLineAsync($"Restored {source}");
                await output.WriteLineAsync($"  into {databasePath}");
                await output.WriteLineAsync($"  checked: SQLite integrity check ok; {check.Migrations.Count} migrations, the latest {check.LatestMigration}");
                await output.WriteLineAsync(keptAs is null
                    ? "  there was no database before, so nothing was put aside"
                    : $"  the database it replaced is kept as {keptAs}");
                await output.WriteLineAsync("Start the app as usual: it applies any newer migrations. Hangfire's storage (hangfire.db) was left as it is.");
                return 0;
            }
            finally
            {
                File.Delete(staged);
            }
        }
    }

    /// <summary>The file as given (from the current folder, then from the shell's folder that dotnet run leaves in PWD), else a backup of that name.</summary>
    private static string? Locate(string file, string backupsFolder)
    {
        var candidates = new List<string> { Path.GetFullPath(file) };
        if (Environment.GetEnvironmentVariable("PWD") is { Length: > 0 } shellFolder && !Path.IsPathRooted(file))
        {
            candidates.Add(Path.GetFullPath(file, shellFolder));
        }
        candidates.Add(Path.GetFullPath(Path.GetFileName(file), backupsFolder));
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Renames the current database (and any -wal and -shm beside it) to <c>&lt;name&gt;-before-restore-&lt;UTC time&gt;.db</c>.
    /// It is checkpointed first, so the WAL's transactions are in the file that is kept; if that fails (a damaged
    /// database) the -wal and -shm are moved with it under matching names, so SQLite still finds them.
    /// </summary>
    private static string PutAside(string databasePath, TextWriter output)
    {
        try
        {
            using var connection = SqliteFiles.Open(databasePath);
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;";
            command.ExecuteNonQuery();
        }
        catch (SqliteException ex)
        {
            output.WriteLine($"  (could not checkpoint the current database: {ex.Message}; its -wal and -shm are kept beside it)");
        }
        var stamp = TimeProvider.System.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var aside = Path.Combine(Path.GetDirectoryName(databasePath)!, $"{Path.GetFileNameWithoutExtension(databasePath)}-before-restore-{stamp}{Path.GetExtension(databasePath)}");
        File.Move(databasePath, aside);
        foreach (var suffix in new[] { "-wal", "-shm" })
        {
            if (File.Exists(databasePath + suffix))
            {
                File.Move(databasePath + suffix, aside + suffix);
            }
        }
        return aside;
    }

    private static IReadOnlyList<string> KnownMigrations()
    {
        using var db = new LeadsDbContext(new DbContextOptionsBuilder<LeadsDbContext>()
            .UseSqlite("Data Source=:memory:", x => x.MigrationsAssembly(LeadsDbContext.SqliteMigrationsAssembly)).Options);
        return db.Database.GetMigrations().ToList();
    }

    private static async Task<int> Refuse(TextWriter error, string message)
    {
        await error.WriteLineAsync("Nothing was restored. " + message);
        return 1;
    }
}
