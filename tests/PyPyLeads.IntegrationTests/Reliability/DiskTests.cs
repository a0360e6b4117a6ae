using System.Data.Common;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PyPyLeads.Data;
using PyPyLeads.Web.Infrastructure;
using static PyPyLeads.IntegrationTests.Companies.CompanyTestKit;

namespace PyPyLeads.IntegrationTests.Reliability;

/// <summary>
/// The disk: /health watches the free space, a backup that would not fit is not started, and a write the full
/// database refuses tells the person so and loses nothing committed before. The free space is a stand-in the test
/// sets (the app's own reads DriveInfo); the full database is the real file held to its size with max_page_count.
/// </summary>
public sealed class DiskTests
{
    private const long Megabyte = 1024 * 1024;

    [Theory]
    [InlineData(499, "Degraded")]
    [InlineData(501, "Healthy")]
    public async Task Health_reports_the_disk_degraded_below_the_free_space_kept(long freeMegabytes, string status)
    {
        var disk = new StandInFreeSpace(freeMegabytes * Megabyte);
        using var app = disk.Into(new LeadsApp()).With("Data:MinFreeMegabytes", "500");

        var response = await app.Client().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // degraded still serves
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var check = json.RootElement.GetProperty("checks").GetProperty("disk");
        Assert.Equal(status, check.GetProperty("status").GetString());
        Assert.Equal(freeMegabytes, check.GetProperty("data").GetProperty("freeMegabytes").GetInt64());
        if (status == "Degraded")
        {
            Assert.Equal("Degraded", json.RootElement.GetProperty("status").GetString());
            Assert.StartsWith("Only 499 MB free for the data folder, below the 500 MB kept free (Data:MinFreeMegabytes)",
                check.GetProperty("description").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Health_reads_the_real_free_space_of_the_data_folder_s_disk()
    {
        using var app = new LeadsApp();

        using var json = JsonDocument.Parse(await app.Client().GetStringAsync("/health"));

        var free = json.RootElement.GetProperty("checks").GetProperty("disk").GetProperty("data").GetProperty("freeMegabytes").GetInt64();
        Assert.InRange(free, new DriveInfo(app.DataDirectory).AvailableFreeSpace / Megabyte - 1024, new DriveInfo(app.DataDirectory).AvailableFreeSpace / Megabyte + 1024);
    }

    [Fact]
    public async Task A_backup_that_would_not_fit_is_not_started_and_says_why_on_the_page_and_in_the_log()
    {
        var disk = new StandInFreeSpace(510 * Megabyte); // the database is a few MB: with it, under the 500 MB kept free
        using var app = disk.Into(new LeadsApp()).With("Data:MinFreeMegabytes", "500");
        var admin = app.Client();
        await People.SetUpAsync(admin);
        var databaseBytes = SizeOf(app.DatabasePath) + SizeOf(app.DatabasePath + "-wal");
        disk.Bytes = 500 * Megabyte + databaseBytes - 1;

        People.Expect(await admin.PostFormAsync("/backups", new Dictionary<string, string>(), "/backups/now"), HttpStatusCode.Redirect, "/backups");

        var page = await admin.GetPageAsync("/backups");
        Assert.StartsWith("Not enough disk space for a backup: it needs about", page.QuerySelector("[data-testid=flash-error]")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Contains("which would leave less than the 500 MB kept free (Data:MinFreeMegabytes)", page.QuerySelector("[data-testid=backup-refused]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("[data-testid=no-backups]"));
        Assert.Empty(Directory.GetFiles(Path.Combine(app.DataDirectory, "backups"), "*.db*")); // not started: nothing written
        Assert.Contains(app.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains("not started: Not enough disk space", StringComparison.Ordinal));

        // With room again, the next one is taken and the page stops saying it was refused.
        disk.Bytes = 500 * Megabyte + databaseBytes + 10 * Megabyte;
        People.Expect(await admin.PostFormAsync("/backups", new Dictionary<string, string>(), "/backups/now"), HttpStatusCode.Redirect, "/backups");
        var after = await admin.GetPageAsync("/backups");
        Assert.Single(after.QuerySelectorAll("[data-testid=backup]"));
        Assert.Null(after.QuerySelector("[data-testid=backup-refused]"));
    }

    [Fact]
    public async Task A_write_the_full_database_refuses_tells_the_user_nothing_was_saved_and_loses_nothing_committed_before()
    {
        var cap = new PageCap();
        using var app = new LeadsApp().WithServices(s => s.ConfigureDbContext<LeadsDbContext>(o => o.AddInterceptors(cap)));
        var admin = app.Client();
        await People.SetUpAsync(admin);
        var yelp = await LogContactAsync(admin, "Yelp", "Jane Doe");
        cap.MaxPages = FillToTheLastPage(app.DatabasePath);
        var before = await CountsAsync(app);
        // An encounter note longer than a page needs new pages (overflow), which the full file cannot give.
        KeyValuePair<string, string>[] contact = [F("CompanyName", "Noisebridge"), F("PersonName", "Mitch Altman"), F("Note", "Hackerspace tour: " + new string('ł', 3900))];

        var refused = await admin.SubmitAsync("/log-contact", "/log-contact", contact);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        var page = await refused.ReadPageAsync();
        Assert.Equal(StorageFullFilter.Title, page.QuerySelector("main h1")!.TextContent.Trim());
        Assert.StartsWith("Nothing was saved: the server has run out of room for data. Everything saved before is safe.", page.QuerySelector("main p")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(app.Logs.Lines, l => l.StartsWith("Critical", StringComparison.Ordinal) && l.Contains("the database or its disk is full", StringComparison.Ordinal));
        Assert.Equal(before, await CountsAsync(app)); // nothing of the refused contact
        Assert.Equal(["Yelp"], await app.DbAsync(db => db.Companies.Select(c => c.Name).ToListAsync()));
        Assert.Equal(["Jane Doe"], await app.DbAsync(db => db.People.Where(p => p.CompanyId == yelp).Select(p => p.Name).ToListAsync()));
        Assert.Equal("ok", IntegrityCheck(app.DatabasePath));

        // Room again (the limit lifted): the same contact, sent again, is saved.
        cap.MaxPages = null;
        ExpectCompanyRedirect(await admin.SubmitAsync("/log-contact", "/log-contact", contact));
        Assert.Equal(["Noisebridge", "Yelp"], await app.DbAsync(db => db.Companies.OrderBy(c => c.Name).Select(c => c.Name).ToListAsync()));
    }

    private static Task<(int Companies, int People, int Encounters, int Timeline)> CountsAsync(LeadsApp app) => app.DbAsync(async db =>
        (await db.Companies.CountAsync(), await db.People.CountAsync(), await db.Encounters.CountAsync(), await db.Timeline.CountAsync()));

    /// <summary>
    /// Caps the file at its size now (plus a few pages for a table of ballast) and fills every free byte of it with
    /// ballast, as a full disk would leave it; returns the cap in pages.
    /// </summary>
    private static long FillToTheLastPage(string databasePath)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout=30000; PRAGMA page_count;";
        var cap = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) + 16;
        command.CommandText = $"PRAGMA max_page_count = {cap}; CREATE TABLE Ballast (Bytes BLOB NOT NULL);";
        command.ExecuteNonQuery();
        foreach (var size in new[] { 16384, 1024, 64, 1 })
        {
            command.CommandText = $"INSERT INTO Ballast VALUES (randomblob({size}))";
            while (true)
            {
                try
                {
                    command.ExecuteNonQuery();
                }
                catch (SqliteException e) when (e.SqliteErrorCode == 13) // SQLITE_FULL: on to smaller pieces
                {
                    break;
                }
            }
        }
        return cap;
    }

    private static string IntegrityCheck(string databasePath)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return (string)command.ExecuteScalar()!;
    }

    private static long SizeOf(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    /// <summary>The free space the app sees, set by the test.</summary>
    private sealed class StandInFreeSpace(long bytes) : IFreeSpace
    {
        public long Bytes { get; set; } = bytes;

        public long FreeBytes(string folder) => Bytes;

        public LeadsApp Into(LeadsApp app) => app.WithServices(s =>
        {
            s.RemoveAll<IFreeSpace>();
            s.AddSingleton<IFreeSpace>(this);
        });
    }

    /// <summary>
    /// SQLite's max_page_count on each of the app's connections, set before each command when the test changes it
    /// (the app keeps its connections open across requests). Null is SQLite's own limit.
    /// </summary>
    private sealed class PageCap : DbCommandInterceptor
    {
        private readonly ConditionalWeakTable<DbConnection, StrongBox<long>> _applied = new();

        public long? MaxPages { get; set; }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Apply(command);
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Apply(command);
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            Apply(command);
            return result;
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            Apply(command);
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
        {
            Apply(command);
            return result;
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result,
            CancellationToken cancellationToken = default)
        {
            Apply(command);
            return ValueTask.FromResult(result);
        }

        private void Apply(DbCommand command)
        {
            var connection = command.Connection!;
            var wanted = MaxPages ?? 1_073_741_823;
            if (_applied.TryGetValue(connection, out var applied) && applied.Value == wanted)
            {
                return;
            }
            using var pragma = connection.CreateCommand();
            pragma.Transaction = command.Transaction;
            pragma.CommandText = $"PRAGMA max_page_count = {wanted}";
            pragma.ExecuteScalar();
            _applied.AddOrUpdate(connection, new StrongBox<long>(wanted));
        }
    }
}
