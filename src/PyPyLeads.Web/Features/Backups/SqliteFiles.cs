using Microsoft.Data.Sqlite;

namespace PyPyLeads.Web.Features.Backups;

/// <summary>What a check of a database file found.</summary>
/// <param name="Problem">Null when the file is a sound PyPyLeads database; else what is wrong, in words.</param>
/// <param name="Migrations">The migrations recorded in the file, oldest first (empty when there is no history table).</param>
public sealed record SqliteFileCheck(string? Problem, IReadOnlyList<string> Migrations)
{
    public bool Passed => Problem is null;

    public string? LatestMigration => Migrations.Count > 0 ? Migrations[^1] : null;
}

/// <summary>Checks that a file is a SQLite database, passes <c>PRAGMA integrity_check</c>, and is the app's (has EF Core's migrations history).</summary>
public static class SqliteFiles
{
    public const string MigrationsHistoryTable = "__EFMigrationsHistory";

    // Every SQLite 3 database file begins with these 16 bytes (https://sqlite.org/fileformat.html).
    private static readonly byte[] Header = "SQLite format 3\0"u8.ToArray();

    /// <summary>A connection to one file that no pool keeps open afterwards, so the file can be moved or deleted.</summary>
    public static SqliteConnection Open(string path, SqliteOpenMode mode = SqliteOpenMode.ReadWrite)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Pooling = false,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout=30000;";
        command.ExecuteNonQuery();
        return connection;
    }

    public static bool HasSqliteHeader(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (file.Length < 100) // the header alone is 100 bytes
        {
            return false;
        }
        Span<byte> start = stackalloc byte[16];
        file.ReadExactly(start);
        return start.SequenceEqual(Header);
    }

    /// <summary>Checks the file. It must not be in use by the app: it is opened read-write (a WAL file needs that even to read).</summary>
    public static SqliteFileCheck Check(string path)
    {
        if (!File.Exists(path))
        {
            return new SqliteFileCheck($"There is no file {path}.", []);
        }
        if (!HasSqliteHeader(path))
        {
            return new SqliteFileCheck("It is not a SQLite database (its first bytes are not \"SQLite format 3\").", []);
        }
        try
        {
            using var connection = Open(path);
            var problems = new List<string>();
            using (var command = connection.CreateCommand())
            {
                // Stops after 10 problems: enough to say what is wrong.
                command.CommandText = "PRAGMA integrity_check(10);";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    problems.Add(reader.GetString(0));
                }
            }
            if (problems is not ["ok"])
            {
                return new SqliteFileCheck("It fails SQLite's integrity check: " + string.Join("; ", problems), []);
            }
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name;";
                command.Parameters.AddWithValue("$name", MigrationsHistoryTable);
                if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
                {
                    return new SqliteFileCheck($"It is a SQLite database, but not PyPyLeads' (it has no {MigrationsHistoryTable} table).", []);
                }
            }
            var migrations = new List<string>();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = $"SELECT MigrationId FROM \"{MigrationsHistoryTable}\" ORDER BY MigrationId;";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    migrations.Add(reader.GetString(0));
                }
            }
            return migrations.Count == 0
                ? new SqliteFileCheck("It is a PyPyLeads database with no migration applied: there is nothing in it to restore.", [])
                : new SqliteFileCheck(null, migrations);
        }
        catch (SqliteException ex)
        {
            // "file is not a database", "database disk image is malformed"...
            return new SqliteFileCheck($"SQLite cannot read it: {ex.Message}", []);
        }
    }
}
