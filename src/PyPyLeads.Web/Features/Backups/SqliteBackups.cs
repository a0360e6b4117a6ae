using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Backups;

/// <summary>Backups settings (section <c>Backups</c>).</summary>
public sealed class BackupOptions
{
    public const string Section = "Backups";

    /// <summary>When the scheduled backup runs, as a cron expression (Hangfire's syntax). Default: every night at 03:00.</summary>
    public string Schedule { get; set; } = "0 3 * * *";

    /// <summary>The IANA zone in which <see cref="Schedule"/> is read.</summary>
    public string TimeZone { get; set; } = "Europe/Stockholm";

    /// <summary>How many verified backups to keep; older ones are deleted after each new one.</summary>
    public int Keep { get; set; } = 14;

    public IEnumerable<string> Problems()
    {
        if (!PyPyLeads.Time.Zones.Exists(TimeZone))
        {
            yield return $"Backups:TimeZone '{TimeZone}' is not a time zone id (e.g. Europe/Stockholm).";
        }
        if (Keep < 1)
        {
            yield return $"Backups:Keep must be at least 1 (it is {Keep}).";
        }
    }
}

/// <summary>One backup file in the backups folder, with what its check found.</summary>
public sealed record BackupFile(
    string Name,
    string FullPath,
    long SizeBytes,
    DateTime TakenAtUtc,
    bool? Passed,
    string Check,
    string Trigger,
    string? TakenBy,
    string? JobId,
    string? LatestMigration);

/// <summary>Thrown when another backup holds the lock for longer than the caller wanted to wait.</summary>
public sealed class BackupBusyException(string message) : Exception(message);

/// <summary>Thrown, before anything is written, when a backup would leave less free than the disk's reserve; the message says why.</summary>
public sealed class BackupWontFitException(string message) : Exception(message);

/// <summary>A backup that was not started, and why (shown on the Backups page until a backup is taken).</summary>
public sealed record BackupRefusal(DateTime AtUtc, string Reason);

/// <summary>
/// Online backups of the app's SQLite database into a backups folder. A copy is written with SQLite's backup API
/// (a consistent snapshot read in one transaction, so the app goes on reading and writing under WAL), checked with
/// <c>PRAGMA integrity_check</c>, and only then given its final name (its notes written first, so a backup listed is
/// always a whole, checked one, even after a crash); the oldest beyond the retention are deleted. A backup that would
/// leave less free space on the disk than the reserve is not started, and says why.
/// Backups are stamped by the real clock (like cookies), not the tour clock: the tour clock restarts at the same
/// instant on every start, and retention must never take a new backup for an old one.
/// </summary>
public sealed partial class SqliteBackups
{
    private const string StampFormat = "yyyy-MM-dd'T'HHmmss.fff'Z'";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly string _connectionString;
    private readonly string _baseName;
    private readonly int _keep;
    private readonly TimeProvider _clock;
    private readonly ILogger<SqliteBackups> _logger;
    private readonly IFreeSpace _freeSpace;
    private readonly long _reserveBytes;

    /// <param name="freeSpace">Measures the disk the backups folder is on.</param>
    /// <param name="reserveBytes">The room a backup must leave free on that disk (Data:MinFreeMegabytes).</param>
    public SqliteBackups(string connectionString, string folder, int keep, TimeProvider clock, ILogger<SqliteBackups> logger, IFreeSpace freeSpace, long reserveBytes)
    {
        if (keep < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(keep), keep, "Backups:Keep must be at least 1.");
        }
        _connectionString = connectionString;
        DatabasePath = Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource);
        _baseName = Path.GetFileNameWithoutExtension(DatabasePath);
        Folder = Path.GetFullPath(folder);
        _keep = keep;
        _clock = clock;
        _logger = logger;
        _freeSpace = freeSpace;
        _reserveBytes = reserveBytes;
        Directory.CreateDirectory(Folder);
    }

    public string DatabasePath { get; }

    public string Folder { get; }

    public int Keep => _keep;

    /// <summary>The backups in the folder, newest first. Only files named as this class names them are listed (and so can be downloaded or pruned).</summary>
    public IReadOnlyList<BackupFile> List()
    {
        var backups = new List<BackupFile>();
        foreach (var path in Directory.EnumerateFiles(Folder, _baseName + "-*.db"))
        {
            var name = Path.GetFileName(path);
            var match = BackupName().Match(name);
            if (!match.Success || match.Groups["base"].Value != _baseName ||
                !DateTime.TryParseExact(match.Groups["stamp"].Value, StampFormat, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var takenAt))
            {
                continue;
            }
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                continue; // pruned while we looked
            }
            var notes = ReadNotes(path);
            backups.Add(new BackupFile(name, path, info.Length, DateTime.SpecifyKind(takenAt, DateTimeKind.Utc),
                notes?.Passed, notes?.Check ?? "not checked", notes?.Trigger ?? "unknown", notes?.TakenBy, notes?.JobId, notes?.LatestMigration));
        }
        return backups.OrderByDescending(b => b.TakenAtUtc).ThenByDescending(b => b.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The backup of that exact name, or null: names from outside are only ever compared, never used as paths.</summary>
    public BackupFile? Find(string? name) =>
        string.IsNullOrEmpty(name) ? null : List().FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.Ordinal));

    /// <summary>
    /// Takes a backup now, checks it and prunes the oldest. One backup at a time, across threads and processes
    /// (a lock file in the backups folder); a caller that finds another backup running waits up to <paramref name="maxWait"/>.
    /// A Hangfire job passes its id: if a backup for that id already exists (the job ran twice), it is returned instead.
    /// </summary>
    public async Task<BackupFile> TakeAsync(string trigger, string? takenBy, string? jobId, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        await using var folderLock = await LockAsync(maxWait, cancellationToken);
        if (jobId is not null && List().FirstOrDefault(b => b.JobId == jobId) is { } done)
        {
            _logger.LogInformation("Backup job {JobId} already produced {Backup}; not taking another", jobId, done.Name);
            return done;
        }

        foreach (var stale in Directory.EnumerateFiles(Folder, "*.partial"))
        {
            File.Delete(stale); // left by a backup that was interrupted; only we write these, under the lock
        }
        foreach (var orphan in Directory.EnumerateFiles(Folder, _baseName + "-*.db.json").Where(n => !File.Exists(n[..^".json".Length])))
        {
            File.Delete(orphan); // the notes of a backup interrupted before its file got its name
        }
        RefuseUnlessItFits();

        var takenAt = _clock.GetUtcNow().UtcDateTime;
        var name = NameFor(takenAt);
        while (File.Exists(Path.Combine(Folder, name)))
        {
            takenAt = takenAt.AddMilliseconds(1);
            name = NameFor(takenAt);
        }
        var final = Path.Combine(Folder, name);
        var partial = final + ".partial";

        _logger.LogInformation("Backing up {Database} to {Backup} ({Trigger})", DatabasePath, final, trigger);
        await Task.Run(() => Copy(partial), cancellationToken);
        var check = SqliteFiles.Check(partial);
        // Notes first, then the name: a crash in between leaves notes without a backup (cleared above next time),
        // never a listed backup without its check.
        WriteNotes(final, new BackupNotes(check.Passed, check.Problem ?? "ok", trigger, takenBy, jobId, check.LatestMigration));
        File.Move(partial, final);
        File.Delete(RefusalPath);
        if (check.Passed)
        {
            _logger.LogInformation("Backup {Backup} passed its integrity check ({Bytes} bytes)", name, new FileInfo(final).Length);
        }
        else
        {
            _logger.LogError("Backup {Backup} FAILED its check: {Problem}", name, check.Problem);
        }

        Prune();
        return List().First(b => b.Name == name);
    }

    /// <summary>
    /// Keeps the newest <see cref="Keep"/> backups that passed their check and deletes the older ones. Failed backups
    /// stay while they are newer than the oldest kept good one (so an admin sees them), and never more than Keep of them.
    /// </summary>
    public IReadOnlyList<string> Prune()
    {
        var all = List();
        var good = all.Where(b => b.Passed == true).ToList();
        var kept = good.Take(_keep).ToList();
        var oldestKept = kept.Count == _keep ? kept[^1].TakenAtUtc : DateTime.MinValue;
        var doomed = good.Skip(_keep)
            .Concat(all.Where(b => b.Passed != true).Where((b, i) => i >= _keep || b.TakenAtUtc < oldestKept))
            .ToList();
        foreach (var backup in doomed)
        {
            File.Delete(backup.FullPath);
            File.Delete(NotesPath(backup.FullPath));
            _logger.LogInformation("Deleted backup {Backup} (keeping {Keep})", backup.Name, _keep);
        }
        return doomed.Select(b => b.Name).ToList();
    }

    /// <summary>The last backup not started for want of room, until a backup is taken; null when there is none.</summary>
    public BackupRefusal? LastRefusal()
    {
        try
        {
            return JsonSerializer.Deserialize<BackupRefusal>(File.ReadAllText(RefusalPath));
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    private string RefusalPath => Path.Combine(Folder, ".refused.json");

    /// <summary>
    /// A backup takes about the database's size (its file and its WAL, whose pages the copy includes); it is not
    /// started when that would leave less than the reserve free, since a full disk stops the database's own writes.
    /// </summary>
    private void RefuseUnlessItFits()
    {
        var needed = SizeOf(DatabasePath) + SizeOf(DatabasePath + "-wal");
        var free = _freeSpace.FreeBytes(Folder);
        if (free - needed >= _reserveBytes)
        {
            return;
        }
        var reason = $"Not enough disk space for a backup: it needs about {Megabytes(needed)} and {Megabytes(free)} is free, " +
            $"which would leave less than the {Megabytes(_reserveBytes)} kept free (Data:MinFreeMegabytes). " +
            "Free some space on the disk, or keep fewer backups (Backups:Keep).";
        _logger.LogError("Backup of {Database} not started: {Reason}", DatabasePath, reason);
        try
        {
            File.WriteAllText(RefusalPath + ".tmp", JsonSerializer.Serialize(new BackupRefusal(_clock.GetUtcNow().UtcDateTime, reason)));
            File.Move(RefusalPath + ".tmp", RefusalPath, overwrite: true);
        }
        catch (IOException)
        {
            // Not even room for the note: the log above says it.
        }
        throw new BackupWontFitException(reason);

        static long SizeOf(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
        static string Megabytes(long bytes) => Math.Ceiling(bytes / (1024.0 * 1024)).ToString("0", CultureInfo.InvariantCulture) + " MB";
    }

    private string NameFor(DateTime utc) => $"{_baseName}-{utc.ToString(StampFormat, CultureInfo.InvariantCulture)}.db";

    private void Copy(string destinationPath)
    {
        var source = new SqliteConnectionStringBuilder(_connectionString) { Pooling = false, Mode = SqliteOpenMode.ReadWrite };
        using var from = new SqliteConnection(source.ToString());
        from.Open();
        using (var pragma = from.CreateCommand())
        {
            pragma.CommandText = "PRAGMA busy_timeout=30000;";
            pragma.ExecuteNonQuery();
        }
        using var to = SqliteFiles.Open(destinationPath, SqliteOpenMode.ReadWriteCreate);
        // sqlite3_backup_step(-1): every page in one step, inside one read transaction, so the copy is the
        // database as it was when the step began. Under WAL, writers carry on meanwhile.
        from.BackupDatabase(to);
        using var journal = to.CreateCommand();
        // The copy is a single self-contained file (no -wal beside it); the app switches it back to WAL when it opens it.
        journal.CommandText = "PRAGMA journal_mode=DELETE;";
        journal.ExecuteNonQuery();
    }

    private async Task<FileStream> LockAsync(TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Folder, ".lock");
        var attempts = Math.Max(1, (int)(maxWait / TimeSpan.FromMilliseconds(200)));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // FileShare.None takes an exclusive lock (flock on Unix) that another thread or process cannot share.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < attempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
            catch (IOException ex)
            {
                throw new BackupBusyException($"Another backup is running (it holds {path}): {ex.Message}");
            }
        }
    }

    private static string NotesPath(string backupPath) => backupPath + ".json";

    private static void WriteNotes(string backupPath, BackupNotes notes)
    {
        var path = NotesPath(backupPath);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(notes, Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private static BackupNotes? ReadNotes(string backupPath)
    {
        try
        {
            return JsonSerializer.Deserialize<BackupNotes>(File.ReadAllText(NotesPath(backupPath)));
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null; // no notes (copied in by hand) or unreadable: listed as not checked
        }
    }

    [GeneratedRegex(@"^(?<base>.+)-(?<stamp>\d{4}-\d{2}-\d{2}T\d{6}\.\d{3}Z)\.db$", RegexOptions.CultureInvariant)]
    private static partial Regex BackupName();

    /// <summary>What is known about a backup besides its file, kept beside it as JSON.</summary>
    private sealed record BackupNotes(bool Passed, string Check, string Trigger, string? TakenBy, string? JobId, string? LatestMigration);
}
