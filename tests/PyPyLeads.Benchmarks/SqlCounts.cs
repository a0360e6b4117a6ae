using System.Globalization;
using System.Text;
using System.Text.Json;
using PyPyLeads.TestSupport;

namespace PyPyLeads.Benchmarks;

/// <summary>What one request ran: how many SQL statements, their texts, and the time EF reported for them.</summary>
public sealed record SqlProfile(string Path, int Statements, double DatabaseMs, IReadOnlyList<string> Commands);

/// <summary>
/// Counts the SQL statements each request runs, from the app's own log: the app is started with EF Core's command
/// log on and the JSON console format, and each request is sent alone, its lines counted once the log falls quiet.
/// Each request is sent three times and the fewest kept, so a background job that happened to run alongside (the
/// reminder watchdog) is not counted, and caches are warm.
/// </summary>
public static class SqlCounts
{
    private static long _posted;

    public static async Task<Dictionary<string, SqlProfile>> MeasureAsync(AppProcess app, string dataFolder, TextWriter log)
    {
        var workloads = await Workloads.BuildAsync(app.BaseAddress, dataFolder);
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        var result = new Dictionary<string, SqlProfile>();
        foreach (var workload in workloads)
        {
            SqlProfile? best = null;
            for (var i = 0; i < 3; i++)
            {
                var from = app.LineCount;
                using var request = new HttpRequestMessage(workload.IsPost ? HttpMethod.Post : HttpMethod.Get, workload.Path);
                workload.AddHeaders(request);
                if (workload.IsPost)
                {
                    // Numbered across both measurements (nearly empty, then base data on the same file): a name posted
                    // before would be a duplicate, and the form would answer the choice page instead of saving.
                    var n = Interlocked.Increment(ref _posted);
                    request.Content = new StringContent(workload.FormBody!(n).Replace("%7Bn%7D", $"sql-{Environment.ProcessId}-{n}", StringComparison.Ordinal),
                        Encoding.ASCII, workload.ContentType);
                }
                using var response = await client.SendAsync(request);
                if ((int)response.StatusCode >= 400)
                {
                    throw new InvalidOperationException($"{workload.Name}: {(int)response.StatusCode}");
                }
                await QuietAsync(app);
                var profile = Read(workload.Path, app.LinesSince(from));
                if (best is null || profile.Statements < best.Statements)
                {
                    best = profile;
                }
            }
            result[workload.Name] = best!;
            log.WriteLine($"  {workload.Name,-28} {best!.Statements,3} statements, {best.DatabaseMs,5:F0} ms in the database");
        }
        return result;
    }

    private static async Task QuietAsync(AppProcess app)
    {
        var lines = app.LineCount;
        while (true)
        {
            await Task.Delay(150);
            var now = app.LineCount;
            if (now == lines)
            {
                return;
            }
            lines = now;
        }
    }

    private static SqlProfile Read(string path, IReadOnlyList<string> lines)
    {
        var commands = new List<string>();
        double ms = 0;
        foreach (var line in lines)
        {
            if (!line.StartsWith('{') || !line.Contains("Microsoft.EntityFrameworkCore.Database.Command", StringComparison.Ordinal))
            {
                continue;
            }
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.GetProperty("EventId").GetInt32() != 20101 || !root.TryGetProperty("State", out var state))
            {
                continue; // 20101 = CommandExecuted
            }
            commands.Add(state.GetProperty("commandText").GetString() ?? "");
            if (state.TryGetProperty("elapsed", out var elapsed) && double.TryParse(elapsed.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var e))
            {
                ms += e;
            }
        }
        return new SqlProfile(path, commands.Count, ms, commands);
    }
}
