namespace PyPyLeads.Benchmarks;

/// <param name="CpuRuns">The app's CPU time (all threads) when /health first answered 200: unlike the wall time, it
/// hardly grows when other processes load the machine, so it tells a slow start from a busy machine.</param>
/// <param name="LoadAverages">The machine's 1-minute load average as each start began.</param>
public sealed record StartupFigures(double MedianSeconds, double[] Runs, double IdleWorkingSetMb, double[] IdleRuns,
    double MedianCpuSeconds, double[] CpuRuns, double[] LoadAverages);

/// <summary>
/// Time from process start to the first 200 on /health, on the generated (migrated) database, and the app's resident
/// memory after it has sat idle for <see cref="Idle"/> — median of three starts.
/// </summary>
public static class Startup
{
    public static readonly TimeSpan Idle = TimeSpan.FromSeconds(10);

    public static async Task<StartupFigures> MeasureAsync(string data, IReadOnlyDictionary<string, string> settings, TextWriter log)
    {
        var starts = new List<double>();
        var memory = new List<double>();
        var cpu = new List<double>();
        var loads = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            loads.Add(LoadAverage());
            await using var app = await PublishedApp.StartAsync(data, settings);
            starts.Add(app.StartedIn.TotalSeconds);
            cpu.Add(app.CpuWhenStarted.TotalSeconds);
            await Task.Delay(Idle);
            memory.Add(app.WorkingSetBytes() / 1048576.0);
            log.WriteLine($"  start {i + 1}: /health 200 after {app.StartedIn.TotalSeconds:F2} s (app CPU {cpu[^1]:F2} s, load average {loads[^1]:F1}); working set after {Idle.TotalSeconds:F0} s idle {memory[^1]:F0} MB");
        }
        return new StartupFigures(Load.Median(starts), [.. starts], Load.Median(memory), [.. memory], Load.Median(cpu), [.. cpu], [.. loads]);
    }

    private static double LoadAverage() => File.Exists("/proc/loadavg")
        ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)
        : double.NaN;
}
