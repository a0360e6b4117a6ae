using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Web.Features.Backups;
using static PyPyLeads.IntegrationTests.Backups.BackupTests;

namespace PyPyLeads.IntegrationTests.Backups;

public sealed class RestoreTests : IDisposable
{
    // The app's data live in a folder of the test's own, which outlives the app: a restore runs once it has stopped.
    private readonly string _data = Path.Combine(Path.GetTempPath(), "pypyleads-tests", Guid.NewGuid().ToString("N"));
    private readonly LeadsApp _app;

    public RestoreTests()
    {
        Directory.CreateDirectory(_data);
        _app = new LeadsApp().With("Data:Directory", _data);
    }

    private string DatabasePath => Path.Combine(_data, "pypyleads.db");

    public static TheoryData<string, string> BadFiles => new()
    {
        { "text", "It is not a SQLite database" },
        { "empty", "It is not a SQLite database" },
        { "truncated", "SQLite" },
        { "garbled", "cannot be restored: " },
        { "index", "It fails SQLite's integrity check: " },
        { "hangfire", "It is a SQLite database, but not PyPyLeads'" },
        { "newer", "was written by a newer PyPyLeads (migrations 29990101000000_FromTheFuture are unknown to this one)" },
        { "missing", "There is no file" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Restore_refuses_a_file_that_is_not_a_sound_PyPyLeads_database_and_leaves_the_current_one_untouched(string kind, string message)
    {
        var (good, _) = await AppWithABackupAsync();
        var bad = Path.Combine(Path.GetTempPath(), "pypyleads-tests", $"{kind}-{Guid.NewGuid():N}.db");
        try
        {
            switch (kind)
            {
                case "text":
                    await File.WriteAllTextAsync(bad, "Name,Email\nArmin Rigo,arigo@example.org\n" + new string('x', 4000));
                    break;
                case "empty":
                    await File.WriteAllBytesAsync(bad, []);
                    break;
                case "truncated":
                    var bytes = await File.ReadAllBytesAsync(good);
                    await File.WriteAllBytesAsync(bad, bytes[..(bytes.Length / 3)]);
                    break;
                case "garbled":
                    await File.WriteAllBytesAsync(bad, Garble(await File.ReadAllBytesAsync(good)));
                    break;
                case "index":
                    File.Copy(good, bad);
                    EmptyAnIndex(bad, "IX_TourStops_Sequence");
                    break;
                case "hangfire":
                    File.Copy(Path.Combine(_data, "hangfire.db"), bad);
                    break;
                case "newer":
                    File.Copy(good, bad);
                    using (var connection = SqliteFiles.Open(bad))
                    using (var command = connection.CreateCommand())
                    {
                        command.CommandText = "INSERT INTO \"__EFMigrationsHistory\" VALUES ('29990101000000_FromTheFuture', '99.0.0');";
                        command.ExecuteNonQuery();
                    }
                    break;
            }
            var before = Seeding.Fingerprint(_data);

            var (exit, output, error) = await Restore(bad, _data);

            Assert.Equal(1, exit);
            Assert.StartsWith("Nothing was restored.", error, StringComparison.Ordinal);
            Assert.True(error.Contains(message, StringComparison.Ordinal), error);
            Assert.Equal("", output);
            Assert.Equal(before, Seeding.Fingerprint(_data));
            Assert.DoesNotContain(Directory.EnumerateFiles(_data), f => f.Contains("before-restore", StringComparison.Ordinal) || f.EndsWith(".restoring", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public async Task Restore_refuses_while_the_app_is_running()
    {
        _ = _app.Services;
        var backup = await _app.Services.GetRequiredService<SqliteBackups>().TakeAsync("now", null, null, TimeSpan.FromSeconds(30), CancellationToken.None);
        var before = Seeding.Fingerprint(_data);

        var (exit, _, error) = await Restore(backup.FullPath, _data);

        Assert.Equal(1, exit);
        Assert.Contains("The app is running", error, StringComparison.Ordinal);
        Assert.Equal(before, Seeding.Fingerprint(_data));
    }

    [Fact]
    public async Task Restore_keeps_the_current_database_aside_with_its_WAL_and_the_app_starts_on_the_backup()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        await AddCompanyAsync(_app, "Yelp");
        var backup = await _app.Services.GetRequiredService<SqliteBackups>().TakeAsync("now", null, null, TimeSpan.FromSeconds(30), CancellationToken.None);
        await AddCompanyAsync(_app, "Mozilla");
        await StopAsync(_app, DatabasePath);

        // As after a crash: a -wal beside the database holding a commit that is not yet in the main file.
        var data = Path.Combine(Path.GetTempPath(), "pypyleads-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        try
        {
            using (var live = SqliteFiles.Open(DatabasePath))
            {
                using (var command = live.CreateCommand())
                {
                    command.CommandText = "PRAGMA wal_autocheckpoint=0; INSERT INTO Companies (Name, NameKey, Source, CreatedAtUtc, Version) VALUES ('Google', 'google', 'TourStop', '2011-03-07 19:30:00', 0);";
                    command.ExecuteNonQuery();
                }
                foreach (var file in Directory.EnumerateFiles(_data, "pypyleads.db*"))
                {
                    File.Copy(file, Path.Combine(data, Path.GetFileName(file)));
                }
            }
            Assert.True(File.Exists(Path.Combine(data, "pypyleads.db-wal")));
            Assert.True(new FileInfo(Path.Combine(data, "pypyleads.db-wal")).Length > 0);

            // Given by name only: found in the backups folder of that data folder.
            Directory.CreateDirectory(Path.Combine(data, "backups"));
            File.Copy(backup.FullPath, Path.Combine(data, "backups", backup.Name));
            var (exit, output, error) = await Restore(backup.Name, data);

            Assert.True(exit == 0, error);
            var aside = Assert.Single(Directory.EnumerateFiles(data, "pypyleads-before-restore-*.db"));
            Assert.Contains($"Restored {Path.Combine(data, "backups", backup.Name)}", output, StringComparison.Ordinal);
            Assert.Contains($"the database it replaced is kept as {aside}", output, StringComparison.Ordinal);
            Assert.Contains("integrity check ok", output, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(data, "pypyleads.db-wal")));
            Assert.False(File.Exists(Path.Combine(data, "pypyleads.db.restoring")));
            // The database put aside kept everything, the commit that was only in its WAL included.
            Assert.Equal(["Google", "Mozilla", "Yelp"], CompanyNames(aside));
            Assert.True(SqliteFiles.Check(aside).Passed);

            using var restored = new LeadsApp().With("Data:Directory", data);
            await using (var scope = restored.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
                Assert.Equal(["Yelp"], await db.Companies.Select(c => c.Name).ToListAsync());
            }
            // The admin of the backup signs in to the restored app.
            var client = restored.Client();
            People.Expect(await People.SignInAsync(client, People.AdminEmail, People.AdminPassword), System.Net.HttpStatusCode.Redirect, "/");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task The_restore_command_runs_from_the_app_s_command_line_before_any_web_host_starts()
    {
        var (good, folder) = await AppWithABackupAsync();
        var refused = await RunAppAsync("restore", Path.Combine(folder, "no-such-backup.db"), $"--Data:Directory={_data}");
        Assert.Equal(1, refused.Exit);
        Assert.Contains("Nothing was restored. There is no file", refused.Error, StringComparison.Ordinal);

        var usage = await RunAppAsync("restore");
        Assert.Equal(2, usage.Exit);
        Assert.Contains("Usage: dotnet run --project src/PyPyLeads.Web -- restore", usage.Error, StringComparison.Ordinal);

        var restored = await RunAppAsync("restore", good, $"--Data:Directory={_data}");
        Assert.True(restored.Exit == 0, restored.Error);
        Assert.Contains("Restored " + good, restored.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", restored.Output, StringComparison.Ordinal);
        Assert.Single(Directory.EnumerateFiles(_data, "pypyleads-before-restore-*.db"));
    }

    /// <summary>The app with its admin and a backup, stopped (as a restore wants it).</summary>
    private async Task<(string Backup, string Folder)> AppWithABackupAsync()
    {
        await People.SetUpAsync(_app.Client());
        var backup = await _app.Services.GetRequiredService<SqliteBackups>().TakeAsync("now", null, null, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.True(backup.Passed, backup.Check);
        await StopAsync(_app, DatabasePath);
        return (backup.FullPath, Path.GetDirectoryName(backup.FullPath)!);
    }

    /// <summary>
    /// Damage that opens fine and only SQLite's integrity check finds: the index's root page is made an empty leaf,
    /// so the table's rows are missing from it.
    /// </summary>
    private static void EmptyAnIndex(string path, string index)
    {
        long rootPage;
        using (var connection = SqliteFiles.Open(path))
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT rootpage FROM sqlite_master WHERE name = $name;";
            command.Parameters.AddWithValue("$name", index);
            rootPage = (long)command.ExecuteScalar()!;
        }
        SqliteConnection.ClearAllPools();
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var header = new byte[100];
        file.ReadExactly(header);
        var pageSize = (header[16] << 8) | header[17];
        pageSize = pageSize == 1 ? 65536 : pageSize;
        // B-tree page header (https://sqlite.org/fileformat.html): type 10 = leaf index, no freeblock, no cells,
        // content area starting at the end of the page.
        file.Position = (rootPage - 1) * pageSize;
        file.Write([0x0A, 0, 0, 0, 0, (byte)(pageSize >> 8 & 0xFF), (byte)(pageSize & 0xFF), 0]);
    }

    /// <summary>Overwrites the middle of the file (the pages of the tables and indexes) with a pattern; the header stays.</summary>
    private static byte[] Garble(byte[] database)
    {
        var copy = (byte[])database.Clone();
        for (var i = copy.Length / 4; i < copy.Length * 3 / 4; i++)
        {
            copy[i] = (byte)(i % 251);
        }
        return copy;
    }

    private static async Task AddCompanyAsync(LeadsApp app, string name)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        db.Companies.Add(new Company { Name = name, NameKey = CompanyKeys.Name(name), CreatedAtUtc = new DateTime(2011, 3, 3, 2, 0, 0, DateTimeKind.Utc) });
        await db.SaveChangesAsync();
    }

    private static List<string> CompanyNames(string path)
    {
        using var connection = SqliteFiles.Open(path, SqliteOpenMode.ReadOnly);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT Name FROM Companies ORDER BY Name;";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }

    /// <summary>Runs the app's own entry point in a new process, as <c>dotnet run -- ...</c> does.</summary>
    private static async Task<(int Exit, string Output, string Error)> RunAppAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(SqliteBackups).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    public void Dispose()
    {
        _app.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS to clean
        }
    }
}
