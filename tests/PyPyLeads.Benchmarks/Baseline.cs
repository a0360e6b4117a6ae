using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using PyPyLeads.TestSupport;

namespace PyPyLeads.Benchmarks;

/// <summary>A page the baseline serves: its path, the bytes the app served for it, and the SQL the app ran for it.</summary>
public sealed record BaselinePage(string Path, byte[] Html, IReadOnlyList<string> Sql);

/// <summary>
/// The limit the app is compared with: a bare Kestrel endpoint (no MVC, no EF, no middleware) that, for the company list
/// and the dashboard, runs the very SQL statements the app ran for that page (their texts come from the app's own command
/// log in the same run), reads every value of every row with raw Microsoft.Data.Sqlite, and writes the same HTML bytes
/// the app served. It runs as its own process (this program with the "baseline" verb), pinned to the app's core.
/// </summary>
public sealed class Baseline : IAsyncDisposable
{
    public const string Verb = "baseline";
    private static readonly Regex Parameter = new(@"@\w+", RegexOptions.Compiled);
    private readonly Process _process;

    private Baseline(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<Baseline> StartAsync(string databasePath, IReadOnlyList<BaselinePage> pages, string work)
    {
        var file = Path.Combine(work, "baseline-pages.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(pages));
        var port = AppProcess.FreePort();
        var info = new ProcessStartInfo("taskset") { UseShellExecute = false };
        foreach (var arg in new[] { "-c", "0", "dotnet", typeof(Baseline).Assembly.Location, Verb, databasePath, port.ToString(CultureInfo.InvariantCulture), file })
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in AppProcess.RuntimeSettings)
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info)!;
        var baseline = new Baseline(process, new Uri($"http://127.0.0.1:{port}/"));
        using var client = new HttpClient();
        for (var i = 0; ; i++)
        {
            try
            {
                using var response = await client.GetAsync(new Uri(baseline.BaseAddress, pages[0].Path));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return baseline;
                }
                throw new InvalidOperationException($"The baseline answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            catch (HttpRequestException) when (i < 600 && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    /// <summary>The server side: <c>baseline &lt;database&gt; &lt;port&gt; &lt;pages.json&gt;</c>.</summary>
    public static async Task<int> ServeAsync(string[] args)
    {
        var (databasePath, port, file) = (args[0], int.Parse(args[1], CultureInfo.InvariantCulture), args[2]);
        var pages = JsonSerializer.Deserialize<List<BaselinePage>>(await File.ReadAllTextAsync(file))!.ToDictionary(p => p.Path);
        var connectionString = $"Data Source={databasePath};Mode=ReadOnly";
        string adminId, sessionId;
        await using (var connection = new SqliteConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT Id FROM AspNetUsers WHERE Email = $email";
            command.Parameters.AddWithValue("$email", Harness.AdminEmail);
            adminId = (string)(await command.ExecuteScalarAsync())!;
            // The session the harness's cookie carries (its latest sign-in): every signed-in request reads it by key.
            command.CommandText = "SELECT Id FROM UserSessions WHERE UserId = $user AND EndedAtUtc IS NULL ORDER BY CreatedAtUtc DESC LIMIT 1";
            command.Parameters.AddWithValue("$user", adminId);
            sessionId = await command.ExecuteScalarAsync() as string ?? "";
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.Run(async context =>
        {
            var path = context.Request.Path + context.Request.QueryString;
            if (!pages.TryGetValue(path, out var page))
            {
                context.Response.StatusCode = 404;
                return;
            }
            try
            {
                await using var connection = new SqliteConnection(connectionString);
                await connection.OpenAsync(context.RequestAborted);
                await RunAsync(connection, page, adminId, sessionId, context.RequestAborted);
            }
            catch (InvalidOperationException ex)
            {
                // Said in the answer, so that the harness's error names the statement the baseline cannot replay.
                context.Response.StatusCode = 500;
                await context.Response.WriteAsync(ex.Message, context.RequestAborted);
                return;
            }
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.ContentLength = page.Html.Length;
            await context.Response.Body.WriteAsync(page.Html, context.RequestAborted);
        });
        await app.RunAsync();
        return 0;
    }

    /// <summary>
    /// Runs the page's statements in order, binding each parameter as the app does (the session's and the admin's ids, the tour clock's
    /// instant, the page size; the list's second statement gets the ids the first returned). An unknown parameter
    /// stops the baseline: the app's query changed and this binding must follow.
    /// </summary>
    private static async Task RunAsync(SqliteConnection connection, BaselinePage page, string adminId, string sessionId, CancellationToken cancellationToken)
    {
        var now = Generator.Now;
        var ids = new List<long>();
        foreach (var sql in page.Sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in Parameter.Matches(sql).Select(m => m.Value).Distinct())
            {
                command.Parameters.AddWithValue(name, name switch
                {
                    "@id" when sql.Contains("FROM \"UserSessions\"", StringComparison.Ordinal) => sessionId,
                    "@id" or "@userId" or "@me" => adminId,
                    "@p" => page.Path == "/dashboard" ? 10 : 26, // the dashboard's lists, the list page's size + 1
                    "@lastDay" => "2011-09-30",
                    "@cutoffUtc" or "@cutoffUtc0" => Text(now.AddDays(-14)),
                    "@lateBefore" => Text(now.AddMinutes(-3)),
                    "@staleBefore" => Text(now.AddMinutes(-6)),
                    "@name" => PyPyLeads.Data.ChangeStamp.Pipeline, // the change-stamp read before a cached figure
                    "@recentDays" => DateOnly.FromDateTime(now).AddDays(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    "@ids" when ids.Count > 0 => "[" + string.Join(",", ids) + "]", // one JSON parameter (EF.Parameter)
                    _ when name.StartsWith("@ids", StringComparison.Ordinal) && ids.Count > 0 =>
                        ids[Math.Min(ids.Count, int.Parse(name[4..], CultureInfo.InvariantCulture)) - 1],
                    _ => throw new InvalidOperationException($"The baseline does not know parameter {name} of: {sql}"),
                });
            }
            var first = ids.Count == 0;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var idColumn = first ? IdColumn(reader) : -1;
            var values = new object[reader.FieldCount];
            while (await reader.ReadAsync(cancellationToken))
            {
                reader.GetValues(values);
                if (idColumn >= 0 && ids.Count < 25)
                {
                    ids.Add(reader.GetInt64(idColumn));
                }
            }
        }
    }

    /// <summary>The list's keyset query returns (NameKey, CreatedAtUtc, Id): its ids feed the rows query.</summary>
    private static int IdColumn(SqliteDataReader reader)
    {
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        return columns is ["NameKey", "CreatedAtUtc", "Id"] ? 2 : -1;
    }

    private static string Text(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
}
