using PyPyLeads.TestSupport;

namespace PyPyLeads.Benchmarks;

/// <summary>The app as published for production, started as its own process pinned to a core (core 0 unless told).</summary>
public static class PublishedApp
{
    /// <summary>
    /// The app as published for production (<c>dotnet publish -c Release</c>, ReadyToRun), which run.sh puts in the
    /// folder named by PYPYLEADS_BENCHMARK_APP: the build output would start slower than what users run.
    /// </summary>
    public static string Folder => Environment.GetEnvironmentVariable("PYPYLEADS_BENCHMARK_APP") is { Length: > 0 } folder
        && File.Exists(Path.Combine(folder, "PyPyLeads.Web.dll"))
            ? folder
            : throw new InvalidOperationException("No published app: run the benchmarks with tests/PyPyLeads.Benchmarks/run.sh, which publishes it.");

    public static Task<AppProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string>? settings = null, int core = 0) =>
        AppProcess.StartAsync(Folder, dataDirectory, settings, core);
}
