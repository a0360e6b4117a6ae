// Times the pipeline board and the dashboard (the home page) with many deals in a real SQLite file.
//
//   dotnet run -c Release --project tests/PyPyLeads.Benchmarks -- [deals=100000] [open=2000] [runs=20]
//
// It starts the app in-process on a temporary data folder (as the integration tests do), fills it with companies,
// deals and timeline lines through plain SQL inserts, then requests each page several times over HTTP and prints
// the median and slowest times. It runs twice: with `open` deals open (the rest won or lost), then with half of
// all deals open.
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using PyPyLeads.TestSupport;

// WebApplicationFactory finds the app's content root through a manifest it reads from the current directory.
Directory.SetCurrentDirectory(AppContext.BaseDirectory);
var deals = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var open = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2_000;
var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
const int Companies = 5_000;

using var app = new LeadsApp().With("Hangfire:RunServer", "false").With("Clock:StartsAt", "2011-03-02T09:00:00-08:00");
var client = app.Client();
await People.SetUpAsync(client);
var owners = new List<string>();
for (var i = 0; i < 6; i++)
{
    await People.InviteAsync(client, $"Owner {i}", $"owner{i}@example.org", consultancyId: i % 2 + 1);
}

var fill = Stopwatch.StartNew();
await using (var connection = new SqliteConnection($"Data Source={app.DatabasePath};Pooling=False"))
{
    await connection.OpenAsync();
    await using (var read = connection.CreateCommand())
    {
        read.CommandText = "SELECT Id, ConsultancyId FROM AspNetUsers WHERE ConsultancyId IS NOT NULL ORDER BY Email";
        await using var reader = await read.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            owners.Add(reader.GetString(0) + "|" + reader.GetInt32(1).ToString(CultureInfo.InvariantCulture));
        }
    }
    await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
    var random = new Random(2011);
    var company = connection.CreateCommand();
    company.Transaction = transaction;
    company.CommandText = "INSERT INTO Companies (Name, NameKey, Source, ConsultancyId, CreatedAtUtc, Version) VALUES ($n, $k, 'TourStop', $c, '2011-03-02 17:00:00', 0)";
    var (n, k, c) = (company.Parameters.Add("$n", SqliteType.Text), company.Parameters.Add("$k", SqliteType.Text), company.Parameters.Add("$c", SqliteType.Integer));
    for (var i = 1; i <= Companies; i++)
    {
        n.Value = $"Company {i}";
        k.Value = $"company {i}";
        c.Value = i % 10 == 0 ? DBNull.Value : i % 2 + 1;
        await company.ExecuteNonQueryAsync();
    }

    var deal = connection.CreateCommand();
    deal.Transaction = transaction;
    deal.CommandText = """
        INSERT INTO Deals (CompanyId, ConsultancyId, Kind, Title, Stage, ValueMinor, Currency, Probability, ProbabilityOverridden, ExpectedCloseOn,
                           OwnerUserId, CreatedAtUtc, CreatedByUserId, StageChangedAtUtc, LastActivityAtUtc, Version)
        VALUES ($company, $consultancy, $kind, $title, $stage, $value, $currency, $probability, 0, $closes, $owner, $at, $owner, $at, $at, 0)
        """;
    var p = new Dictionary<string, SqliteParameter>();
    foreach (var name in new[] { "$company", "$consultancy", "$kind", "$title", "$stage", "$value", "$currency", "$probability", "$closes", "$owner", "$at" })
    {
        p[name] = deal.Parameters.Add(name, SqliteType.Text);
    }
    var timeline = connection.CreateCommand();
    timeline.Transaction = transaction;
    timeline.CommandText = "INSERT INTO Timeline (CompanyId, AtUtc, Kind, Summary, SubjectType, SubjectId) VALUES ($company, $at, 'deal.created', 'New deal', 'Deal', $id)";
    var (tc, ta, ti) = (timeline.Parameters.Add("$company", SqliteType.Integer), timeline.Parameters.Add("$at", SqliteType.Text), timeline.Parameters.Add("$id", SqliteType.Integer));
    string[] kinds = ["Consulting", "Subcontracting", "Hiring"];
    string[] currencies = ["EUR", "EUR", "USD", "SEK"];
    string[] openStages = ["New", "Qualified", "Proposal", "Negotiation"];
    int[] openProbabilities = [10, 25, 50, 75];
    var start = new DateTime(2011, 3, 2, 17, 0, 0, DateTimeKind.Utc);
    for (var i = 1; i <= deals; i++)
    {
        var owner = owners[random.Next(owners.Count)].Split('|');
        var isOpen = i <= open;
        var s = random.Next(4);
        var at = start.AddMinutes(-random.Next(60 * 24 * 60)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        p["$company"].Value = random.Next(1, Companies + 1);
        p["$consultancy"].Value = owner[1];
        p["$kind"].Value = kinds[random.Next(3)];
        p["$title"].Value = $"Deal {i}";
        p["$stage"].Value = isOpen ? openStages[s] : random.Next(2) == 0 ? "Won" : "Lost";
        p["$value"].Value = random.NextInt64(100_000, 50_000_000);
        p["$currency"].Value = currencies[random.Next(4)];
        p["$probability"].Value = isOpen ? openProbabilities[s] : random.Next(2) == 0 ? 100 : 0;
        p["$closes"].Value = new DateOnly(2011, 3, 1).AddDays(random.Next(450)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        p["$owner"].Value = owner[0];
        p["$at"].Value = at;
        await deal.ExecuteNonQueryAsync();
        tc.Value = p["$company"].Value;
        ta.Value = at;
        ti.Value = i;
        await timeline.ExecuteNonQueryAsync();
    }
    await transaction.CommitAsync();
}
Console.WriteLine($"Filled {deals:N0} deals ({open:N0} open), {Companies:N0} companies and {deals:N0} timeline lines in {fill.Elapsed.TotalSeconds:N1} s; database file {new FileInfo(app.DatabasePath).Length / 1024.0 / 1024.0:N1} MB.");
Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");

await Measure($"{open:N0} open of {deals:N0}");

await using (var connection = new SqliteConnection($"Data Source={app.DatabasePath};Pooling=False"))
{
    await connection.OpenAsync();
    await using var reopen = connection.CreateCommand();
    reopen.CommandText = $"UPDATE Deals SET Stage = 'Proposal', Probability = 50 WHERE Id > {open} AND Id % 2 = 0";
    await reopen.ExecuteNonQueryAsync();
    reopen.CommandText = "SELECT COUNT(*) FROM Deals WHERE Stage NOT IN ('Won', 'Lost')";
    await Measure($"{(long)(await reopen.ExecuteScalarAsync())!:N0} open of {deals:N0}");
}

async Task Measure(string label)
{
    Console.WriteLine();
    Console.WriteLine($"== {label} ({runs} requests each after 3 warm-ups; in-process HTTP, times include rendering)");
    foreach (var url in new[] { "/deals", "/deals?consultancy=1&kind=Consulting", "/", "/deals/list?stage=Proposal&page=20", "/deals/list?stale=true" })
    {
        long bytes = 0;
        for (var i = 0; i < 3; i++)
        {
            bytes = (await Get(url)).Length;
        }
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await Get(url);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine($"{url,-40} median {times[times.Count / 2],7:N1} ms   slowest {times[^1],7:N1} ms   page {bytes / 1024.0,6:N0} KB");
    }
}

async Task<string> Get(string url)
{
    var response = await client.GetAsync(url);
    var body = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"{url}: {(int)response.StatusCode}");
    }
    return body;
}
