using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using PyPyLeads.Companies;
using Xunit.Abstractions;

namespace PyPyLeads.IntegrationTests.Reliability;

/// <summary>
/// The app as its own process, killed with <c>kill -9</c> in the middle of work and started again on the same data
/// folder: what was committed stays whole, what was under way is carried on or cleared, nothing is done twice.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Rows = 10_000;
    private readonly string _data = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "pypyleads-tests", "crash-" + Guid.NewGuid().ToString("N"))).FullName;

    /// <summary>A run's claim goes stale 3 s after its last batch, so the restarted app carries on within seconds.</summary>
    private static readonly Dictionary<string, string> Settings = new() { ["Imports:StaleClaimSeconds"] = "3" };


    [Fact]
    public async Task Kill_9_during_a_10000_row_import_leaves_whole_batches_and_the_restarted_app_finishes_it_once()
    {
        Guid id;
        int processedAtKill;
        await using (var first = await AppProcess.StartAsync(AppProcess.BuildOutput, _data, Settings))
        {
            var admin = first.Client();
            await People.SetUpAsync(admin);
            id = await UploadAsync(admin, TwoPeoplePerCompany());
            People.Expect(await admin.PostFormAsync($"/companies/import/{id}", new Dictionary<string, string>(), $"/companies/import/{id}/confirm"), HttpStatusCode.Redirect);
            var watch = Stopwatch.StartNew();
            while ((await ProgressAsync(admin, id)).Processed < 1_000)
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(40), "The import did not get going:\n" + first.Output);
                await Task.Delay(10);
            }
            await first.KillAsync();
            output.WriteLine($"Killed {watch.Elapsed.TotalSeconds:0.0} s after the confirmation");
        }

        // What the killed process left: whole batches, each company with both its people, and nothing after them.
        processedAtKill = Scalar("SELECT ProcessedRows FROM CsvImports");
        Assert.InRange(processedAtKill, 1_000, Rows - CsvImportJob.BatchSize);
        Assert.Equal(0, processedAtKill % CsvImportJob.BatchSize);
        Assert.Equal("Importing", Text("SELECT State FROM CsvImports"));
        Assert.Equal((processedAtKill / 2, processedAtKill), (Scalar("SELECT COUNT(*) FROM Companies"), Scalar("SELECT COUNT(*) FROM People")));
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM (SELECT CompanyId FROM People GROUP BY CompanyId HAVING COUNT(*) <> 2)"));

        await using (var second = await AppProcess.StartAsync(AppProcess.BuildOutput, _data, Settings))
        {
            var admin = second.Client();
            People.Expect(await People.SignInAsync(admin, People.AdminEmail, People.AdminPassword), HttpStatusCode.Redirect, "/");
            var watch = Stopwatch.StartNew();
            while ((await ProgressAsync(admin, id)).State != "Done")
            {
                output.WriteLine($"{watch.Elapsed.TotalSeconds:0.0} s after the restart: {(await ProgressAsync(admin, id)).Processed} rows");
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(90), "The restarted app did not finish the import:\n" + second.Output);
                await Task.Delay(1000);
            }
            Assert.Contains($"CSV import {id} stopped at row {processedAtKill}", second.Output, StringComparison.Ordinal);
        }

        // All of it, once: every company with its two people, one "added" line each on the timeline.
        Assert.Equal((Rows / 2, Rows), (Scalar("SELECT COUNT(*) FROM Companies"), Scalar("SELECT COUNT(*) FROM People")));
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM (SELECT CompanyId FROM People GROUP BY CompanyId HAVING COUNT(*) <> 2)"));
        Assert.Equal(Rows / 2, Scalar($"SELECT COUNT(DISTINCT NameKey) FROM Companies"));
        Assert.Equal((Rows / 2, Rows), (Scalar($"SELECT COUNT(*) FROM Timeline WHERE Kind = '{CompanyTimeline.CompanyCreated}'"),
            Scalar($"SELECT COUNT(*) FROM Timeline WHERE Kind = '{CompanyTimeline.PersonAdded}'")));
        Assert.Equal((Rows, Rows / 2, Rows, 0), (Scalar("SELECT ProcessedRows FROM CsvImports"), Scalar("SELECT CompaniesCreated FROM CsvImports"),
            Scalar("SELECT PeopleCreated FROM CsvImports"), Scalar("SELECT RowsSkipped FROM CsvImports")));
    }

    [Fact]
    public async Task Kill_9_during_a_backup_lists_no_unusable_backup_and_the_next_backup_works()
    {
        var backups = Path.Combine(_data, "backups");
        await using (var first = await AppProcess.StartAsync(AppProcess.BuildOutput, _data))
        {
            var admin = first.Client();
            await People.SetUpAsync(admin);
            AddBallast(megabytes: 64); // a copy that takes long enough to be caught in the act
            var page = await admin.GetPageAsync("/backups");
            var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
            var backingUp = admin.PostAsync("/backups/now", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
            // Watched from a thread of its own, not the thread pool: with the other test projects running beside this
            // one, the pool's turn once came only after the whole copy was done and renamed.
            string? missed = null;
            Task? killed = null;
            var killer = new Thread(() =>
            {
                var watch = Stopwatch.StartNew();
                while (!Directory.Exists(backups) || !Directory.EnumerateFiles(backups, "*.partial").Any())
                {
                    if (backingUp.IsCompleted || watch.Elapsed > TimeSpan.FromSeconds(30))
                    {
                        missed = backingUp.IsCompleted ? "The backup finished before it could be killed" : "No backup started";
                        return;
                    }
                    Thread.Sleep(1);
                }
                killed = first.KillAsync();
            }) { IsBackground = true };
            killer.Start();
            await Task.Run(killer.Join);
            Assert.True(missed is null, missed + ":\n" + first.Output);
            await killed!;
            try
            {
                await backingUp;
            }
            catch (HttpRequestException)
            {
                // The connection died with the process: the admin's browser shows an error, the page can be reloaded.
            }
        }
        Assert.Empty(Directory.GetFiles(backups, "*.db")); // the half-written copy never got a backup's name

        await using (var second = await AppProcess.StartAsync(AppProcess.BuildOutput, _data))
        {
            var admin = second.Client();
            People.Expect(await People.SignInAsync(admin, People.AdminEmail, People.AdminPassword), HttpStatusCode.Redirect, "/");
            var listed = await admin.GetPageAsync("/backups");
            Assert.NotNull(listed.QuerySelector("[data-testid=no-backups]"));

            People.Expect(await admin.PostFormAsync("/backups", new Dictionary<string, string>(), "/backups/now"), HttpStatusCode.Redirect, "/backups");
            var after = await admin.GetPageAsync("/backups");
            Assert.StartsWith("Backup pypyleads-", after.QuerySelector("[data-testid=flash]")!.TextContent.Trim(), StringComparison.Ordinal);
            var row = Assert.Single(after.QuerySelectorAll("[data-testid=backup]"));
            Assert.Equal("ok", row.QuerySelector("[data-testid=backup-check] .badge")!.TextContent.Trim());
        }
        Assert.Empty(Directory.GetFiles(backups, "*.partial")); // cleared by the next backup, under its lock
        var file = Assert.Single(Directory.GetFiles(backups, "*.db"));
        using var copy = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        copy.Open();
        using var check = copy.CreateCommand();
        check.CommandText = "PRAGMA integrity_check; ";
        Assert.Equal("ok", check.ExecuteScalar());
        check.CommandText = "SELECT COUNT(*) FROM Ballast";
        Assert.Equal(64L, check.ExecuteScalar());
    }

    /// <summary>Rows 2k and 2k+1 are two people of company k, so a company is only whole when both rows are in.</summary>
    private static string TwoPeoplePerCompany()
    {
        var csv = new StringBuilder("Company,Web domain,City,Country,Industry,Source,Consultancy,Notes,Person,Role,E-mail,Phone\n");
        for (var row = 0; row < Rows; row++)
        {
            var company = (row / 2).ToString("00000", CultureInfo.InvariantCulture);
            csv.Append(CultureInfo.InvariantCulture, $"Crash Test {company} GmbH,c{company}.example.org,Berlin,Germany,Software,,,,Person {row},CTO,p{row}@c{company}.example.org,\n");
        }
        return csv.ToString();
    }

    private static async Task<Guid> UploadAsync(HttpClient client, string csv)
    {
        var page = await client.GetPageAsync("/companies/import");
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", "crash.csv" },
        };
        var response = await client.PostAsync("/companies/import", form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return Guid.Parse(response.Headers.Location!.OriginalString.Split('/')[^1]);
    }

    private static async Task<(string State, int Processed)> ProgressAsync(HttpClient client, Guid id)
    {
        using var json = JsonDocument.Parse(await client.GetStringAsync($"/companies/import/{id}/progress"));
        return (json.RootElement.GetProperty("state").GetString()!, json.RootElement.GetProperty("processed").GetInt32());
    }

    /// <summary>Fills the live database with <paramref name="megabytes"/> MB of incompressible rows, beside the app's own (WAL lets both write).</summary>
    private void AddBallast(int megabytes)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout=30000; CREATE TABLE Ballast (Bytes BLOB NOT NULL); " +
            $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {megabytes}) INSERT INTO Ballast SELECT randomblob(1048576) FROM n;";
        command.ExecuteNonQuery();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(_data, "pypyleads.db")};Pooling=False");
        connection.Open();
        return connection;
    }

    private int Scalar(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private string Text(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (string)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}
