namespace PyPyLeads.Benchmarks;

public sealed record PageFigures(
    Dictionary<string, LoadFigures> App,
    Dictionary<string, LoadFigures> Baseline,
    Dictionary<string, string> Paths,
    Dictionary<string, long> Bytes,
    Dictionary<string, int> BaselineStatements,
    Dictionary<string, PairedMax> Paired,
    TimeSpan SettledAfter);

/// <summary>
/// The HTTP workloads against the app, then the bare baseline for the list and the dashboard: its own latency, and its
/// max requests/s in turns with the app's (both servers up, each idle while the other is measured).
/// </summary>
public static class Pages
{
    public static async Task<PageFigures> MeasureAsync(string work, string data, IReadOnlyDictionary<string, string> settings, IReadOnlyDictionary<string, SqlProfile> sql, TextWriter log)
    {
        // Every run starts from the generated data (the POST workloads add companies).
        foreach (var file in Directory.GetFiles(data))
        {
            File.Delete(file);
        }
        foreach (var file in Directory.GetFiles(Path.Combine(work, "pristine")))
        {
            File.Copy(file, Path.Combine(data, Path.GetFileName(file)));
        }

        var figures = new Dictionary<string, LoadFigures>();
        var baseline = new Dictionary<string, LoadFigures>();
        var paired = new Dictionary<string, PairedMax>();
        var statements = new Dictionary<string, int>();
        var paths = new Dictionary<string, string>();
        var bytes = new Dictionary<string, long>();
        var served = new Dictionary<string, byte[]>();
        log.WriteLine("Pages (app on core 0):");
        var settledAfter = TimeSpan.Zero;
        await using (var app = await PublishedApp.StartAsync(data, settings))
        {
            settledAfter = await app.WaitUntilSettledAsync(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(3));
            log.WriteLine($"  app idle {settledAfter.TotalSeconds:F0} s after /health answered (its start-up work done)");
            var workloads = await Workloads.BuildAsync(app.BaseAddress, data);
            // PYPYLEADS_BENCHMARK_WORKLOADS="company list, page 1;dashboard": measure only these (to study one page quickly).
            if (Environment.GetEnvironmentVariable("PYPYLEADS_BENCHMARK_WORKLOADS") is { Length: > 0 } only)
            {
                var names = only.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                workloads = [.. workloads.Where(w => names.Contains(w.Name))];
            }
            using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
            var load = new Load(app.BaseAddress, log);
            await load.WarmUpAllAsync(workloads, work);
            foreach (var workload in workloads)
            {
                paths[workload.Name] = workload.Path;
                if (!workload.IsPost)
                {
                    bytes[workload.Name] = (await GetAsync(client, workload)).Length;
                }
                var linesBefore = app.LineCount;
                figures[workload.Name] = await load.MeasureAsync(workload, work);
                // Warnings the app wrote meanwhile (Kestrel's "heartbeat ... thread pool starvation", failed requests).
                var lines = app.LinesSince(linesBefore);
                foreach (var i in Enumerable.Range(0, lines.Count).Where(i => lines[i].StartsWith("warn", StringComparison.Ordinal) || lines[i].StartsWith("fail", StringComparison.Ordinal)).Take(5))
                {
                    // The line after the category carries the message; a failure's exception follows it.
                    var detail = lines.Skip(i + 1).Take(lines[i].StartsWith("fail", StringComparison.Ordinal) ? 3 : 1).Select(l => l.Trim());
                    log.WriteLine($"    app: {lines[i]} {string.Join(" | ", detail)}");
                }
            }
            // The app's whole log beside the data, for the stack traces the summary lines above leave out; each line carries
            // the time it was read, to match a slow run to what the app logged then.
            await File.WriteAllTextAsync(Path.Combine(work, "app-pages.log"), app.StampedOutput);
            var compared = workloads.Where(w => w.Name is Workloads.ListPage1 or Workloads.Dashboard).ToList();
            foreach (var workload in compared)
            {
                served[workload.Name] = await GetAsync(client, workload);
            }
            if (compared.Count > 0)
            {
                log.WriteLine("Baseline (bare endpoint on core 0):");
                var pages = compared.Select(w => new BaselinePage(w.Path, served[w.Name], sql[w.Name].Commands)).ToList();
                await using var server = await Baseline.StartAsync(Path.Combine(data, "pypyleads.db"), pages, work);
                var bare = new Load(server.BaseAddress, log);
                foreach (var workload in compared)
                {
                    var bareWorkload = new Workload(workload.Name, workload.Path, "");
                    statements[workload.Name] = sql[workload.Name].Statements;
                    baseline[workload.Name] = await bare.MeasureAsync(bareWorkload, work);
                    paired[workload.Name] = await load.PairedMaxAsync(workload, bare, bareWorkload, work);
                }
            }
        }
        return new PageFigures(figures, baseline, paths, bytes, statements, paired, settledAfter);
    }

    private static async Task<byte[]> GetAsync(HttpClient client, Workload workload)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, workload.Path);
        workload.AddHeaders(request);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync();
    }
}
