using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace PyPyLeads.Benchmarks;

/// <summary>
/// One request shape a workload repeats: a GET with cookies, or a form POST whose body varies per request; an API
/// workload sends its bearer token in <see cref="Headers"/> and a JSON body (<see cref="ContentType"/>) instead.
/// </summary>
/// <param name="PerRequestKey">A header given a new value per request (the API's Idempotency-Key), or null.</param>
public sealed record Workload(string Name, string Path, string Cookie, Func<long, string>? FormBody = null)
{
    public bool IsPost => FormBody is not null;

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public string ContentType { get; init; } = "application/x-www-form-urlencoded";

    /// <summary>The status a POST that saved answers: the form's redirect, the API's 201.</summary>
    public int SavedStatus { get; init; } = 302;

    public string? PerRequestKey { get; init; }

    /// <summary>The workload's cookie and headers on a request the harness sends itself.</summary>
    public void AddHeaders(HttpRequestMessage request)
    {
        if (Cookie.Length > 0)
        {
            request.Headers.Add("Cookie", Cookie);
        }
        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }
}

/// <summary>Max requests/s at a fixed concurrency, and latency at a fixed lower rate.</summary>
/// <param name="ProbeMs">The machine probe's walk (median) before each latency run: how contended the machine's memory was.</param>
/// <param name="SlowRuns">Per latency run: how many requests took over the 25 ms target, and when (seconds past the minute, wall clock) the slowest was sent.</param>
public sealed record LoadFigures(double MaxRequestsPerSecond, double[] MaxRuns, double Rate, double P50Ms, double P99Ms, double[] P99Runs, long Errors, double[] ProbeMs, SlowRequests[] SlowRuns);

/// <summary>
/// The requests of one latency run over the p99 target, and the second of the minute the slowest was sent in: Hangfire's
/// minutely follow-up sweep starts at :00, so a run's tail that starts there is the app's own background work, and one
/// elsewhere is something else (the machine, a collection).
/// </summary>
public sealed record SlowRequests(int OverTarget, double SlowestSentAtSecond)
{
    public override string ToString() =>
        $"{OverTarget} @ :{SlowestSentAtSecond.ToString("00.0", CultureInfo.InvariantCulture)}";
}

/// <summary>The app's and the baseline's max requests/s, run in turns; the ratio is the median of each pair's ratio.</summary>
public sealed record PairedMax(double[] AppRuns, double[] BaselineRuns)
{
    public double Ratio => Load.Median(AppRuns.Zip(BaselineRuns, (app, baseline) => app / baseline));
}

/// <summary>
/// Drives one workload. The maximum comes from wrk (Debian's package: a C load generator cheap enough that the app's
/// core, not the generator, is the limit), at <see cref="Connections"/> connections. The latency comes from an open-loop
/// schedule in this process: requests are sent at fixed instants at 60 % of that maximum whether or not earlier ones
/// have answered, and each latency counts from its planned instant, so a stall shows in full (no coordinated omission).
/// Each figure is the median of three runs after a warm-up. This process runs on the other core (see Harness).
/// </summary>
public sealed class Load(Uri baseAddress, TextWriter log)
{
    public const int Connections = 8;
    public static readonly TimeSpan RunLength = TimeSpan.FromSeconds(5);
    public const double LatencyShare = 0.6;

    /// <summary>The issue's target for every page's p99, in ms.</summary>
    public const double P99TargetMs = 25;
    private const int Runs = 3;

    private static readonly Regex RequestsPerSecond = new(@"Requests/sec:\s+([0-9.]+)", RegexOptions.Compiled);
    private static readonly Regex NonSuccess = new(@"Non-2xx or 3xx responses:\s+(\d+)", RegexOptions.Compiled);
    private static readonly Regex UnexpectedAnswers = new(@"Unexpected answers: (\d+)", RegexOptions.Compiled);
    private static readonly Regex SocketErrors = new(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", RegexOptions.Compiled);

    public async Task<LoadFigures> MeasureAsync(Workload workload, string workFolder)
    {
        await WarmUpAsync(workload, workFolder);
        var max = new List<double>();
        long errors = 0;
        for (var i = 0; i < Runs; i++)
        {
            var (rps, bad) = await WrkAsync(workload, workFolder, RunLength);
            max.Add(rps);
            errors += bad;
        }
        var maxMedian = Median(max);
        var rate = Math.Max(1, maxMedian * LatencyShare);
        var p50 = new List<double>();
        var p99 = new List<double>();
        var probe = new List<double>();
        var slow = new List<SlowRequests>();
        for (var i = 0; i < Runs; i++)
        {
            probe.Add(MachineProbe.MedianWalkMs());
            var (runP50, runP99, bad, runSlow) = await OpenLoopAsync(workload, rate, RunLength);
            p50.Add(runP50);
            p99.Add(runP99);
            slow.Add(runSlow);
            errors += bad;
        }
        var figures = new LoadFigures(maxMedian, [.. max], rate, Median(p50), Median(p99), [.. p99], errors, [.. probe], [.. slow]);
        log.WriteLine($"  {workload.Name,-28} max {figures.MaxRequestsPerSecond,8:F0} req/s   at {rate,6:F0} req/s: p50 {figures.P50Ms,6:F2} ms  p99 {figures.P99Ms,6:F2} ms   errors {errors}   probe {string.Join("/", probe.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))} ms   over {P99TargetMs} ms {string.Join(" / ", slow)}");
        return figures;
    }

    /// <summary>
    /// Warm-up, not counted: JIT, caches, connection pools. Runs 3 s bursts until two in a row are no more than 5 % faster
    /// than the best before them (at most a minute): the runtime recompiles hot code optimised only once start-up activity
    /// calms down, and does so in steps, so one burst no faster than the last was often a step, not the end. The first
    /// page measured after a start climbed from 250 to 370 requests/s (720 in another run) during its own three runs.
    /// </summary>
    private async Task WarmUpAsync(Workload workload, string workFolder)
    {
        var best = (await WrkAsync(workload, workFolder, TimeSpan.FromSeconds(3))).Rps;
        var flat = 0;
        for (var i = 0; i < 20 && flat < 2; i++)
        {
            var rate = (await WrkAsync(workload, workFolder, TimeSpan.FromSeconds(3))).Rps;
            flat = rate <= best * 1.05 ? flat + 1 : 0;
            best = Math.Max(best, rate);
        }
    }

    /// <summary>
    /// Before the first workload: every page workload in turn, twice, so the code they share (the layout, MVC, EF, the
    /// sign-in) is optimised before anything is measured, not during the first page's runs.
    /// </summary>
    public async Task WarmUpAllAsync(IEnumerable<Workload> workloads, string workFolder)
    {
        var pages = workloads.Where(w => !w.IsPost).ToList();
        for (var round = 0; round < 2; round++)
        {
            foreach (var workload in pages)
            {
                await WrkAsync(workload, workFolder, TimeSpan.FromSeconds(3));
            }
        }
    }

    /// <summary>
    /// Max requests/s of two servers measured in turns (a run of this one, then a run of the other, three times), so each
    /// pair ran under the same machine conditions. This virtual machine's speed drifts by 2–3× within minutes, so maxima
    /// measured minutes apart can't be divided; the ratio of each pair can.
    /// </summary>
    public async Task<PairedMax> PairedMaxAsync(Workload workload, Load other, Workload otherWorkload, string workFolder)
    {
        await WarmUpAsync(workload, workFolder);
        await other.WarmUpAsync(otherWorkload, workFolder);
        var mine = new List<double>();
        var theirs = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            mine.Add((await WrkAsync(workload, workFolder, RunLength)).Rps);
            theirs.Add((await other.WrkAsync(otherWorkload, workFolder, RunLength)).Rps);
        }
        var paired = new PairedMax([.. mine], [.. theirs]);
        log.WriteLine($"  {workload.Name,-28} in turns: app {string.Join("/", paired.AppRuns.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))} req/s, " +
                      $"baseline {string.Join("/", paired.BaselineRuns.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))} req/s, app/baseline {paired.Ratio:F2}");
        return paired;
    }

    /// <summary>Runs wrk pinned to this process's core; returns requests/s and the count of failed or non-2xx/3xx answers.</summary>
    private async Task<(double Rps, long Errors)> WrkAsync(Workload workload, string workFolder, TimeSpan length)
    {
        var script = Path.Combine(workFolder, $"wrk-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, LuaScript(workload));
        try
        {
            var info = new ProcessStartInfo("taskset") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-c", "1", "wrk", "-t1", $"-c{Connections}", $"-d{(int)length.TotalSeconds}s", "--timeout", "10s", "-s", script, new Uri(baseAddress, workload.Path).ToString() })
            {
                info.ArgumentList.Add(arg);
            }
            using var process = Process.Start(info)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var match = RequestsPerSecond.Match(output);
            if (process.ExitCode != 0 || !match.Success)
            {
                throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {output}{error}");
            }
            long errors = 0;
            if (NonSuccess.Match(output) is { Success: true } bad)
            {
                errors += long.Parse(bad.Groups[1].Value, CultureInfo.InvariantCulture);
            }
            if (UnexpectedAnswers.Match(output) is { Success: true } unexpected)
            {
                errors += long.Parse(unexpected.Groups[1].Value, CultureInfo.InvariantCulture);
            }
            if (SocketErrors.Match(output) is { Success: true } socket)
            {
                errors += Enumerable.Range(1, 4).Sum(g => long.Parse(socket.Groups[g].Value, CultureInfo.InvariantCulture));
            }
            return (double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), errors);
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>
    /// wrk's request: the cookie header, and for a form a body built per request (unique names, so each post creates).
    /// The run's tag comes from here, not from Lua's math.random: wrk never seeds it, so every run drew the same tag, every
    /// run after the first posted names that already existed, and the app answered with its "already here" form (a 200
    /// that writes nothing): the POST maxima measured re-rendered forms. A form post succeeds with a redirect; wrk's Lua
    /// counts any other answer, and the harness reports it as an error.
    /// </summary>
    private static string LuaScript(Workload workload)
    {
        var script = new StringBuilder();
        if (workload.Cookie.Length > 0)
        {
            script.AppendLine(CultureInfo.InvariantCulture, $"wrk.headers[\"Cookie\"] = {Lua(workload.Cookie)}");
        }
        foreach (var (name, value) in workload.Headers)
        {
            script.AppendLine(CultureInfo.InvariantCulture, $"wrk.headers[{Lua(name)}] = {Lua(value)}");
        }
        if (workload.IsPost)
        {
            // The body template marks the per-request number with {n}; wrk's Lua fills it in.
            var template = workload.FormBody!(-1).Split("%7Bn%7D");
            script.AppendLine("wrk.method = \"POST\"");
            script.AppendLine(CultureInfo.InvariantCulture, $"wrk.headers[\"Content-Type\"] = {Lua(workload.ContentType)}");
            script.AppendLine("local n = 0");
            script.AppendLine(CultureInfo.InvariantCulture, $"local run = \"{Guid.NewGuid():N}\"");
            script.AppendLine("request = function()");
            script.AppendLine("  n = n + 1");
            script.AppendLine($"  local body = {string.Join(" .. run .. \"-\" .. n .. ", template.Select(Lua))}");
            if (workload.PerRequestKey is { } keyHeader)
            {
                // wrk.format replaces wrk.headers with the table given: copy them, then add this request's key.
                script.AppendLine("  local headers = {}");
                script.AppendLine("  for k, v in pairs(wrk.headers) do headers[k] = v end");
                script.AppendLine(CultureInfo.InvariantCulture, $"  headers[{Lua(keyHeader)}] = \"bench-\" .. run .. \"-\" .. n");
                script.AppendLine("  return wrk.format(nil, nil, headers, body)");
            }
            else
            {
                script.AppendLine("  return wrk.format(nil, nil, nil, body)");
            }
            script.AppendLine("end");
            script.AppendLine("unexpected = 0");
            script.AppendLine("response = function(status, headers, body)");
            script.AppendLine(CultureInfo.InvariantCulture, $"  if status ~= {workload.SavedStatus} then unexpected = unexpected + 1 end");
            script.AppendLine("end");
            script.AppendLine("local threads = {}");
            script.AppendLine("function setup(thread) table.insert(threads, thread) end");
            script.AppendLine("function done(summary, latency, requests)");
            script.AppendLine("  local total = 0");
            script.AppendLine("  for _, thread in ipairs(threads) do total = total + thread:get(\"unexpected\") end");
            script.AppendLine("  io.write(\"Unexpected answers: \" .. total .. \"\\n\")");
            script.AppendLine("end");
        }
        return script.ToString();
    }

    private static string Lua(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>Sends at <paramref name="rate"/> per second for <paramref name="length"/>; latency from each planned instant.</summary>
    private async Task<(double P50, double P99, long Errors, SlowRequests Slow)> OpenLoopAsync(Workload workload, double rate, TimeSpan length)
    {
        using var handler = new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) };
        using var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var count = (long)(rate * length.TotalSeconds);
        var latencies = new double[count];
        var tasks = new List<Task>((int)count);
        long errors = 0;
        var run = Random.Shared.Next(100_000_000).ToString(CultureInfo.InvariantCulture);
        var interval = Stopwatch.Frequency / rate;
        // A dedicated thread keeps the schedule; each request runs on its own from its planned instant.
        var start = Stopwatch.GetTimestamp();
        var startedAt = DateTime.UtcNow;
        var scheduler = new Thread(() =>
        {
            for (long i = 0; i < count; i++)
            {
                var planned = start + (long)(i * interval);
                while (Stopwatch.GetTimestamp() < planned)
                {
                    var ahead = (planned - Stopwatch.GetTimestamp()) * 1000.0 / Stopwatch.Frequency;
                    if (ahead > 1.5)
                    {
                        Thread.Sleep(1);
                    }
                    else
                    {
                        Thread.SpinWait(20);
                    }
                }
                var index = i;
                tasks.Add(Task.Run(async () =>
                {
                    try
                    {
                        using var request = new HttpRequestMessage(workload.IsPost ? HttpMethod.Post : HttpMethod.Get, workload.Path);
                        workload.AddHeaders(request);
                        if (workload.PerRequestKey is { } keyHeader)
                        {
                            request.Headers.TryAddWithoutValidation(keyHeader, $"bench-{run}-{index}");
                        }
                        if (workload.IsPost)
                        {
                            request.Content = new StringContent(workload.FormBody!(index).Replace("%7Bn%7D", $"{run}-{index}", StringComparison.Ordinal),
                                Encoding.ASCII, workload.ContentType);
                        }
                        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                        // A form post that saved redirects (the API's answers 201); a 200 is the form again (refused), not a success.
                        if (workload.IsPost ? (int)response.StatusCode != workload.SavedStatus : (int)response.StatusCode >= 400)
                        {
                            Interlocked.Increment(ref errors);
                        }
                    }
                    catch (Exception)
                    {
                        Interlocked.Increment(ref errors);
                    }
                    latencies[index] = (Stopwatch.GetTimestamp() - planned) * 1000.0 / Stopwatch.Frequency;
                }));
            }
        }) { IsBackground = true, Priority = ThreadPriority.Highest };
        scheduler.Start();
        scheduler.Join();
        await Task.WhenAll(tasks);
        var slowest = Array.IndexOf(latencies, latencies.Max());
        var slowestSentAt = startedAt.AddSeconds(slowest / rate);
        var slow = new SlowRequests(latencies.Count(l => l > P99TargetMs), slowestSentAt.Second + slowestSentAt.Millisecond / 1000.0);
        Array.Sort(latencies);
        return (Percentile(latencies, 0.50), Percentile(latencies, 0.99), errors, slow);
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
