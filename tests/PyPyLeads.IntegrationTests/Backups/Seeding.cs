using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace PyPyLeads.IntegrationTests.Backups;

/// <summary>Fast bulk rows for the backup and export tests, straight into the app's SQLite file.</summary>
public static class Seeding
{
    /// <summary>
    /// Inserts <paramref name="count"/> companies named "Bulk company N" with a note of <paramref name="noteLength"/>
    /// characters, in one transaction. Varied notes are random words (which compress about as badly as real notes).
    /// </summary>
    public static void Companies(string databasePath, int count, int noteLength, int startAt = 0, bool variedNotes = false)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO Companies (Name, NameKey, WebDomain, DomainKey, City, Country, Industry, Notes, Source, CreatedAtUtc, Version)
            VALUES ($name, $key, $domain, $domain, 'San Francisco, CA', 'USA', 'Software', $notes, 'TourStop', '2011-03-03 02:00:00', 0);
            """;
        var name = command.Parameters.Add("$name", SqliteType.Text);
        var key = command.Parameters.Add("$key", SqliteType.Text);
        var domain = command.Parameters.Add("$domain", SqliteType.Text);
        var notes = command.Parameters.Add("$notes", SqliteType.Text);
        var note = new string('n', noteLength);
        var random = new Random(2011);
        var letters = new char[noteLength];
        for (var i = startAt; i < startAt + count; i++)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            name.Value = "Bulk company " + n;
            key.Value = "bulk company " + n;
            domain.Value = "bulk" + n + ".example.com";
            if (variedNotes)
            {
                for (var c = 0; c < noteLength; c++)
                {
                    letters[c] = random.Next(6) == 0 ? ' ' : (char)('a' + random.Next(26));
                }
                notes.Value = new string(letters);
            }
            else
            {
                notes.Value = note;
            }
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    /// <summary>
    /// A fingerprint (name and SHA-256) of the app's database files in a data folder and of its backups, to show that
    /// nothing there changed. Hangfire's file and the lock files are left out.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Fingerprint(string dataFolder) =>
        Directory.EnumerateFiles(dataFolder, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f).StartsWith("pypyleads", StringComparison.Ordinal)
                        && !f.EndsWith(".in-use", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(dataFolder, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
}
