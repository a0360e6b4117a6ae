namespace PyPyLeads.Benchmarks;

public sealed record StartupFigures(double MedianSeconds, double[] Runs, double IdleWorkingSetMb, double[] IdleRuns);

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
        for (var i = 0; i < 3; i++)
        {
            await using var app = await AppProcess.StartAsync(data, settings);
            starts.Add(app.StartedIn.TotalSeconds);
            await Task.Delay(Idle);
            memory.Add(app.WorkingSetBytes() / 1048576.0);
            log.WriteLine($"  start {i + 1}: /health 200 after {app.StartedIn.TotalSeconds:F2} s; working set after {Idle.TotalSeconds:F0} s idle {memory[^1]:F0} MB");
        }
        return new StartupFigures(Load.Median(starts), [.. starts], Load.Median(memory), [.. memory]);
    }
}
