using System.Collections.Concurrent;
using System.Net;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Web.Features.Backups;

namespace PyPyLeads.IntegrationTests.Backups;

public sealed class BackupTests : IDisposable
{
    private readonly LeadsApp _app = new();
    private readonly List<string> _folders = [];

    private SqliteBackups Backups => _app.Services.GetRequiredService<SqliteBackups>();

    [Fact]
    public async Task A_backup_taken_while_another_task_writes_restores_to_a_sound_database_holding_every_row_committed_before_it_began()
    {
        _ = _app.Services; // started and migrated
        // Some bulk first, so the copy is not instantaneous and the writer really runs beside it.
        Seeding.Companies(_app.DatabasePath, 20_000, noteLength: 200);
        var committed = new ConcurrentQueue<int>();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                await using var scope = _app.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
                var company = new Company { Name = $"Writer {n}", NameKey = $"writer {n}", CreatedAtUtc = new DateTime(2011, 3, 3, 2, 0, 0, DateTimeKind.Utc) };
                db.Companies.Add(company);
                await db.SaveChangesAsync(CancellationToken.None);
                committed.Enqueue(company.Id);
            }
        });

        await WaitUntil(() => committed.Count >= 50 || writer.IsFaulted);
        var committedBefore = committed.ToArray();
        var backup = await Backups.TakeAsync("test", null, null, TimeSpan.FromSeconds(30), CancellationToken.None);
        var countAtEnd = committed.Count;
        await WaitUntil(() => committed.Count >= countAtEnd + 20 || writer.IsFaulted); // the app went on writing after it
        await stop.CancelAsync();
        await writer;

        Assert.True(backup.Passed, backup.Check);
        var restoredFolder = NewFolder();
        var (exit, output, error) = await Restore(backup.FullPath, restoredFolder);
        Assert.True(exit == 0, error);
        Assert.Contains("Restored", output, StringComparison.Ordinal);
        var restoredPath = Path.Combine(restoredFolder, "pypyleads.db");
        Assert.True(SqliteFiles.Check(restoredPath).Passed, SqliteFiles.Check(restoredPath).Problem);

        // The restored database, opened by the app itself.
        using var restoredApp = new LeadsApp().With("Data:Directory", restoredFolder);
        await using var scope = restoredApp.Services.CreateAsyncScope();
        var restored = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        Assert.Equal(20_000, await restored.Companies.CountAsync(c => c.Name.StartsWith("Bulk company ")));
        var writerRows = await restored.Companies.Where(c => c.Name.StartsWith("Writer ")).Select(c => c.Id).OrderBy(id => id).ToListAsync();
        Assert.All(committedBefore, id => Assert.Contains(id, writerRows));
        // A consistent snapshot: exactly the first k commits, no gaps, nothing from after the copy ended.
        Assert.Equal(committed.Take(writerRows.Count), writerRows);
        Assert.InRange(writerRows.Count, committedBefore.Length, countAtEnd);
    }

    [Fact]
    public async Task Retention_deletes_exactly_the_oldest_beyond_the_number_kept_and_nothing_else()
    {
        _ = _app.Services; // migrated
        var folder = NewFolder();
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "someone's notes");
        File.WriteAllText(Path.Combine(folder, "pypyleads-copied-by-hand.db"), "not ours");
        var clock = new FakeTimeProvider(new DateTimeOffset(2011, 3, 2, 11, 0, 0, TimeSpan.Zero));
        var backups = new SqliteBackups($"Data Source={_app.DatabasePath}", folder, keep: 3, clock, NullLogger<SqliteBackups>.Instance,
            new PyPyLeads.Web.Infrastructure.DriveFreeSpace(), reserveBytes: 0);

        var taken = new List<BackupFile>();
        for (var day = 0; day < 5; day++)
        {
            taken.Add(await backups.TakeAsync("scheduled", null, null, TimeSpan.FromSeconds(30), CancellationToken.None));
            clock.Advance(TimeSpan.FromDays(1));
        }

        Assert.All(taken, b => Assert.True(b.Passed, b.Check));
        Assert.Equal(taken.Select(b => b.Name).Reverse().Take(3), backups.List().Select(b => b.Name));
        foreach (var gone in taken.Take(2))
        {
            Assert.False(File.Exists(gone.FullPath), gone.Name);
            Assert.False(File.Exists(gone.FullPath + ".json"), gone.Name + ".json");
        }
        string[] expected = ["notes.txt", "pypyleads-copied-by-hand.db", .. taken.Skip(2).SelectMany(b => new[] { b.Name, b.Name + ".json" })];
        Assert.Equal(
            expected.Order(StringComparer.Ordinal),
            Directory.EnumerateFiles(folder).Select(Path.GetFileName).Where(n => n != ".lock").Order(StringComparer.Ordinal));
        Assert.Equal("pypyleads-2011-03-06T110000.000Z.db", taken[^1].Name);
    }

    [Fact]
    public async Task Two_backups_at_once_take_turns_and_a_job_run_twice_takes_one_backup()
    {
        var both = await Task.WhenAll(
            Backups.TakeAsync("now", "A", null, TimeSpan.FromSeconds(60), CancellationToken.None),
            Backups.TakeAsync("now", "B", null, TimeSpan.FromSeconds(60), CancellationToken.None));
        Assert.NotEqual(both[0].Name, both[1].Name);
        Assert.All(both, b => Assert.True(b.Passed, b.Check));
        Assert.Empty(Directory.EnumerateFiles(Backups.Folder, "*.partial"));

        var first = await Backups.TakeAsync("scheduled", null, "job-42", TimeSpan.FromSeconds(30), CancellationToken.None);
        var again = await Backups.TakeAsync("scheduled", null, "job-42", TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(first.Name, again.Name);
        Assert.Equal(3, Backups.List().Count);
    }

    [Fact]
    public async Task The_recurring_job_is_registered_from_the_settings_and_takes_a_checked_backup_when_it_runs()
    {
        using var app = new LeadsApp().With("Backups:Schedule", "30 2 * * *").With("Backups:TimeZone", "America/Los_Angeles");
        var storage = app.Services.GetRequiredService<JobStorage>();
        using (var connection = storage.GetConnection())
        {
            var job = Assert.Single(connection.GetRecurringJobs([BackupJob.RecurringId]));
            Assert.Equal("30 2 * * *", job.Cron);
            Assert.Equal("America/Los_Angeles", job.TimeZoneId);
        }

        app.Services.GetRequiredService<IRecurringJobManager>().Trigger(BackupJob.RecurringId);
        var backups = app.Services.GetRequiredService<SqliteBackups>();
        await WaitUntil(() => backups.List().Count > 0);
        var backup = Assert.Single(backups.List());
        Assert.Equal("scheduled", backup.Trigger);
        Assert.True(backup.Passed, backup.Check);
        Assert.NotNull(backup.JobId);
        Assert.StartsWith(Path.Combine(app.DataDirectory, "backups"), backup.FullPath, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Backups:Schedule", "every night", "Backups:Schedule 'every night' is not a cron expression")]
    [InlineData("Backups:TimeZone", "Mars/Olympus_Mons", "Backups:TimeZone 'Mars/Olympus_Mons' is not a time zone id")]
    [InlineData("Backups:Keep", "0", "Backups:Keep must be at least 1")]
    public void Bad_backup_settings_stop_the_start_with_a_clear_message(string key, string value, string message)
    {
        using var app = new LeadsApp().With(key, value);
        var error = Assert.ThrowsAny<Exception>(() => app.Services);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_takes_a_backup_now_sees_it_listed_with_size_and_check_and_downloads_it()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var empty = await admin.GetPageAsync("/backups");
        Assert.NotNull(empty.QuerySelector("[data-testid=no-backups]"));
        Assert.Contains("0 3 * * *", empty.QuerySelector("[data-testid=schedule]")!.TextContent, StringComparison.Ordinal);

        var posted = await admin.PostFormAsync("/backups", new Dictionary<string, string>(), "/backups/now");
        People.Expect(posted, HttpStatusCode.Redirect, "/backups");
        var page = await admin.GetPageAsync("/backups");
        Assert.Contains("passed SQLite's integrity check", page.QuerySelector("[data-testid=flash]")!.TextContent, StringComparison.Ordinal);
        var row = Assert.Single(page.QuerySelectorAll("[data-testid=backup]"));
        var backup = Assert.Single(Backups.List());
        Assert.Equal(backup.Name, row.QuerySelector("[data-testid=backup-name]")!.TextContent.Trim());
        Assert.Equal("ok", row.QuerySelector("[data-testid=backup-check]")!.TextContent.Trim());
        Assert.Matches(@"^\d+(\.\d)? (KB|MB)$", row.QuerySelector("[data-testid=backup-size]")!.TextContent.Trim());
        // Shown in the admin's zone (set-up chose Europe/Stockholm), with the zone named.
        Assert.Matches(@" (CET|CEST)$", row.QuerySelector("[data-testid=backup-time]")!.TextContent.Trim());
        Assert.Equal("by Laura Creighton", row.QuerySelectorAll("td")[3].TextContent.Trim());
        Assert.All(page.Scripts, s => Assert.False(string.IsNullOrEmpty(s.Source), "inline script"));
        Assert.Empty(page.QuerySelectorAll("[style]"));

        var download = await admin.GetAsync(row.QuerySelector("[data-testid=backup-download]")!.GetAttribute("href"));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(backup.Name, download.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(await File.ReadAllBytesAsync(backup.FullPath), bytes);
        Assert.Equal("SQLite format 3\0"u8.ToArray(), bytes[..16]);
    }

    [Theory]
    [InlineData("/backups/files/..%2Fpypyleads.db")]
    [InlineData("/backups/files/%2E%2E%2F%2E%2E%2Fappsettings.json")]
    [InlineData("/backups/files/%2Fetc%2Fpasswd")]
    [InlineData("/backups/files/hangfire.db")]
    [InlineData("/backups/files/.lock")]
    [InlineData("/backups/files/pypyleads-2011-03-02T110000.000Z.db")]
    [InlineData("/backups/files/pypyleads.db")]
    public async Task Download_serves_only_names_from_the_listing(string url)
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var backup = await Backups.TakeAsync("now", null, null, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/backups/files/{backup.Name}.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/backups/files/{backup.Name}")).StatusCode);
    }

    [Fact]
    public async Task Members_and_strangers_cannot_see_take_or_download_backups()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var backup = await Backups.TakeAsync("now", null, null, TimeSpan.FromSeconds(30), CancellationToken.None);
        var member = await People.MemberAsync(_app, admin, "Armin Rigo", "arigo@example.org");
        foreach (var url in new[] { "/backups", $"/backups/files/{backup.Name}", "/export" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync(url)).StatusCode);
            var stranger = await _app.Client().GetAsync(url);
            Assert.Equal(HttpStatusCode.Redirect, stranger.StatusCode);
            Assert.StartsWith("/account/signin", stranger.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
        var home = await member.GetPageAsync("/");
        var token = home.QuerySelector("form[action='/account/signout'] input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var post = await member.PostAsync("/backups/now", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Single(Backups.List());
        Assert.DoesNotContain("/backups", (await member.GetStringAsync("/")), StringComparison.Ordinal);
    }

    private string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "pypyleads-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        _folders.Add(folder);
        return folder;
    }

    internal static async Task<(int Exit, string Output, string Error)> Restore(string file, string dataFolder)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await RestoreCommand.RunAsync([file, $"--Data:Directory={dataFolder}"], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Stops the app and waits until it has let go of the database: the host's services (among them the
    /// "in use" lock) are disposed on the app's own thread, a moment after Dispose returns.
    /// </summary>
    internal static async Task StopAsync(LeadsApp app, string databasePath)
    {
        app.Dispose();
        SqliteConnection.ClearAllPools();
        await WaitUntil(() =>
        {
            try
            {
                using var exclusive = new FileStream(DatabaseInUse.LockPath(databasePath), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        });
    }

    /// <summary>Polls until the condition holds; fails after a minute rather than hanging the run.</summary>
    internal static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(100);
        }
        Assert.True(condition(), "gave up waiting");
    }

    public void Dispose()
    {
        _app.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var folder in _folders)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // left for the OS to clean
            }
        }
    }
}
