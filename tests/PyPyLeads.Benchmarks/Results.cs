using System.Globalization;
using System.Text;
using PyPyLeads.TestSupport;

namespace PyPyLeads.Benchmarks;

/// <summary>Everything one run measured, written as results-&lt;size&gt;.md beside this project (rewritten each run).</summary>
public sealed class Results(DataSize size, string machine)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public DataSize Size { get; } = size;
    public string Machine { get; } = machine;
    public GeneratedData? Data { get; set; }
    public Dictionary<string, SqlProfile>? SqlSmall { get; set; }
    public Dictionary<string, SqlProfile>? SqlBase { get; set; }
    public StartupFigures? Startup { get; set; }
    public PageFigures? Pages { get; set; }
    public ReminderResults? Reminders { get; set; }

    /// <summary>The machine probe's fastest walk of the run (see <see cref="MachineProbe"/>), measured at the start.</summary>
    public double ProbeQuietMs { get; set; }

    /// <summary>The results file of a data size, in the benchmark project's folder of the repository.</summary>
    public static string FileFor(DataSize size)
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "PyPyLeads.sln")))
        {
            folder = folder.Parent;
        }
        var root = folder?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
        return Path.Combine(root, "tests", "PyPyLeads.Benchmarks", $"results-{size.Name}.md");
    }

    public string Write(string file)
    {
        var s = new StringBuilder();
        void Line(string text = "") => s.Append(text).Append('\n');
        string F(double value, string format = "F1") => value.ToString(format, Invariant);

        Line($"# PyPyLeads benchmark results: {Size.Name} data");
        Line();
        Line($"Written by `bash tests/PyPyLeads.Benchmarks/run.sh {Size.Name}` on {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", Invariant)} UTC; every run rewrites this file.");
        Line($"Machine: {Machine}.");
        Line("The app is src/PyPyLeads.Web published as for production (`dotnet publish -c Release`, ReadyToRun) in its own process (Production environment, SQLite, Hangfire server on), pinned to core 0, " +
             $"with {string.Join(" ", AppProcess.RuntimeSettings.Select(kv => $"`{kv.Key}={kv.Value}`"))} as README \"Running in production\" gives it (the baseline too);");
        Line("the harness and wrk run on core 1. Every figure below is the median of three runs after a warm-up (first every page workload for 3 s, twice over; then, before each workload, 3 s bursts of wrk until two in a row are no more than 5 % faster than the best before them).");
        Line();

        if (Data is { } d)
        {
            Line("## Data");
            Line();
            Line($"Generated through the app's model (LeadsDbContext, the app's key normalisers and search index) with Bogus in {F(d.Took.TotalSeconds, "F0")} s; SQLite file {F(d.DatabaseBytes / 1048576.0, "F0")} MB.");
            Line();
            Line("| rows | count |");
            Line("|---|---:|");
            foreach (var (name, count) in new (string, long)[]
            {
                ("companies", d.Companies), ("people", d.People), ("deals", d.Deals), ("open deals", d.OpenDeals), ("deal stage changes", d.StageChanges),
                ("timeline entries", d.Timeline), ("follow-ups", d.FollowUps), ("follow-ups still waiting", d.ScheduledFollowUps),
                ("encounters", d.Encounters), ("notifications", d.Notifications), ("search terms", d.SearchTerms),
            })
            {
                Line($"| {name} | {count.ToString("N0", Invariant)} |");
            }
            Line();
            Line($"The company with the longest timeline (the company-page workload) has {d.BiggestCompanyTimeline.ToString("N0", Invariant)} entries.");
            Line();
        }

        Line("## Targets");
        Line();
        Line("| target | measured | met |");
        Line("|---|---|:-:|");
        if (Pages is { } p)
        {
            foreach (var (name, figures) in p.App)
            {
                // A max of nothing (the app answered no request within wrk's runs) leaves the latency schedule at 1 request/s:
                // its p99 says nothing about the page under load, so the target is not met.
                Line(figures.MaxRequestsPerSecond < 1
                    ? $"| {name}: p99 ≤ {Load.P99TargetMs} ms | {F(figures.P99Ms, "F1")} ms, but at 1 request/s: no request completed in the max runs | {Mark(false)} |"
                    : $"| {name}: p99 ≤ {Load.P99TargetMs} ms | {F(figures.P99Ms, "F1")} ms | {Mark(figures.P99Ms <= Load.P99TargetMs)} |");
            }
            if (p.App.TryGetValue(Workloads.ListPage1, out var first) && p.App.TryGetValue(Workloads.ListDeep, out var deep))
            {
                var ratio = deep.P99Ms / first.P99Ms;
                Line($"| deep page p99 ≤ 1.5 × page 1 p99 | {F(ratio, "F2")} × | {Mark(ratio <= 1.5)} |");
            }
            foreach (var (name, paired) in p.Paired)
            {
                Line($"| {name}: app/baseline ≥ 0.6 | {F(paired.Ratio, "F2")} | {Mark(paired.Ratio >= 0.6)} |");
            }
        }
        if (Reminders is { } r)
        {
            Line($"| reminders: worst delay ≤ 2 s | {F(r.SpreadWorstMs / 1000.0, "F2")} s | {Mark(r.SpreadWorstMs <= 2000)} |");
            Line($"| reminders: {r.BurstCount.ToString("N0", Invariant)} due at once delivered ≤ 60 s | {F(r.BurstLastSeconds, "F1")} s | {Mark(r.BurstLastSeconds <= 60)} |");
            var duplicates = r.SpreadDuplicates + r.BurstDuplicates;
            Line($"| reminders: none twice | {duplicates} duplicates | {Mark(duplicates == 0)} |");
        }
        if (Startup is { } st)
        {
            Line($"| start-up ≤ 2 s | {F(st.MedianSeconds, "F2")} s | {Mark(st.MedianSeconds <= 2)} |");
            Line($"| idle memory ≤ 200 MB | {F(st.IdleWorkingSetMb, "F0")} MB | {Mark(st.IdleWorkingSetMb <= 200)} |");
        }
        Line();

        if (Pages is { } pages)
        {
            Line("## Pages");
            Line();
            Line($"Max: wrk, 1 thread, {Load.Connections} connections, {Load.RunLength.TotalSeconds} s per run. Latency: open-loop schedule at {Load.LatencyShare * 100}% of that max, " +
                 "each request timed from its planned send instant (no coordinated omission). Signed in as the admin (sees both consultancies), except Today, " +
                 "which runs as a staff member (Jacob, one consultancy) with overdue follow-ups and stale deals on it. " +
                 $"Measuring starts once the app has sat idle for 2 s ({F(pages.SettledAfter.TotalSeconds, "F0")} s after /health first answered): its start-up work, " +
                 "such as the nightly backup Hangfire finds missed on a copy of the generated data, runs before, not during, the first workload.");
            Line();
            Line("Errors: requests that failed or were answered 400 or above, and, for the two form posts, any answer but the redirect a saved form gets " +
                 "(each post names a new company, so each one writes); for the API's log a contact, any answer but 201. The API rows send a read-write " +
                 "token made in Settings; each API post has its own Idempotency-Key.");
            Line();
            Line($"Machine probe: a fixed memory-bound walk (32 MB, 4 M steps) timed just before each latency run ({F(ProbeQuietMs, "F0")} ms at its fastest, when the harness started); " +
                 "a larger figure means the virtual machine's neighbours were contending for its memory during that run, and latencies grow with it.");
            Line();
            Line($"Over {Load.P99TargetMs} ms, each run: how many requests of the run took longer than the target, and when (seconds past the minute, wall clock) " +
                 "the slowest was sent. Hangfire's follow-up sweep starts at :00 every minute; a run whose slowest request was sent at :00-:02 met it.");
            Line();
            Line($"| workload | path | max req/s | the three runs | latency at req/s | p50 ms | p99 ms | p99 of each run | over {Load.P99TargetMs} ms, each run | probe ms, each run | page KB | errors |");
            Line("|---|---|---:|---|---:|---:|---:|---|---|---|---:|---:|");
            foreach (var (name, f) in pages.App)
            {
                Line($"| {name} | `{Shorten(pages.Paths[name])}` | {F(f.MaxRequestsPerSecond, "F0")} | {string.Join(" / ", f.MaxRuns.Select(x => F(x, "F0")))} | {F(f.Rate, "F0")} | " +
                     $"{F(f.P50Ms, "F2")} | {F(f.P99Ms, "F2")} | {string.Join(" / ", f.P99Runs.Select(x => F(x, "F1")))} | {string.Join(" / ", f.SlowRuns.Select(x => x.ToString()))} | {string.Join(" / ", f.ProbeMs.Select(x => F(x, "F0")))} | {F(pages.Bytes.GetValueOrDefault(name) / 1024.0, "F0")} | {f.Errors} |");
            }
            Line();
            Line("### Baseline");
            Line();
            Line("The same SQL statements the app runs for the page (checked against the app's own command log), executed with raw Microsoft.Data.Sqlite " +
                 "and every value read, then the same HTML bytes the app served, from a bare Kestrel endpoint (no MVC, no EF) in this project, pinned to the same core.");
            Line();
            Line("app/baseline: with both servers up, max requests/s measured in turns (a 5 s run of the app, then one of the baseline, three times); " +
                 "the ratio is the median of the three pairs' ratios. The machine's speed drifts within minutes (see the machine probe), so only maxima measured " +
                 "side by side can be divided; the app's figures in the table above were measured minutes earlier.");
            Line();
            Line("| page | statements | app max req/s, in turns | baseline max req/s, in turns | app/baseline | app p99 ms | baseline p99 ms |");
            Line("|---|---:|---|---|---:|---:|---:|");
            foreach (var (name, b) in pages.Baseline)
            {
                var app = pages.App[name];
                var paired = pages.Paired[name];
                Line($"| {name} | {pages.BaselineStatements.GetValueOrDefault(name)} | {string.Join(" / ", paired.AppRuns.Select(x => F(x, "F0")))} | " +
                     $"{string.Join(" / ", paired.BaselineRuns.Select(x => F(x, "F0")))} | {F(paired.Ratio, "F2")} | {F(app.P99Ms, "F2")} | {F(b.P99Ms, "F2")} |");
            }
            Line();
        }

        if (SqlBase is not null || SqlSmall is not null)
        {
            Line("## SQL statements per request");
            Line();
            Line("Counted from EF Core's command log (JSON console), fewest of three requests. \"Nearly empty\": right after set-up, with one logged contact " +
                 "(lists and board show one row or none); then the generated data (full pages). A count that grows with the rows shown would be an N+1.");
            Line();
            Line("| workload | nearly empty | " + Size.Name + " data | database ms (" + Size.Name + ") |");
            Line("|---|---:|---:|---:|");
            foreach (var name in (SqlBase ?? SqlSmall)!.Keys)
            {
                var small = SqlSmall?.GetValueOrDefault(name);
                var full = SqlBase?.GetValueOrDefault(name);
                Line($"| {name} | {small?.Statements.ToString(Invariant) ?? "–"} | {full?.Statements.ToString(Invariant) ?? "–"} | {(full is null ? "–" : F(full.DatabaseMs, "F0"))} |");
            }
            Line();
        }

        if (Startup is { } startup)
        {
            Line("## Start-up and idle memory");
            Line();
            Line($"Process start to the first 200 on /health, on the generated, migrated database: {string.Join(" / ", startup.Runs.Select(x => F(x, "F2")))} s (median {F(startup.MedianSeconds, "F2")} s).");
            Line($"The app's CPU time at that first 200 (all threads; it grows much less than the wall time when other processes load the machine): {string.Join(" / ", startup.CpuRuns.Select(x => F(x, "F2")))} s (median {F(startup.MedianCpuSeconds, "F2")} s); the machine's 1-minute load average as each start began: {string.Join(" / ", startup.LoadAverages.Select(x => F(x, "F1")))}.");
            Line($"Resident memory (VmRSS) after {Benchmarks.Startup.Idle.TotalSeconds:F0} s idle: {string.Join(" / ", startup.IdleRuns.Select(x => F(x, "F0")))} MB (median {F(startup.IdleWorkingSetMb, "F0")} MB).");
            Line();
        }

        if (Reminders is { } rem)
        {
            Line("## Reminders");
            Line();
            Line("The app as its own Release process on core 0 (real clock, Hangfire server on), a loopback SMTP server (SmtpServer) in the harness on core 1, a fresh data folder per scenario.");
            Line();
            Line($"- {rem.SpreadCount} follow-ups due {F(rem.SpreadInterval.TotalMilliseconds, "F0")} ms apart: due-to-accepted median {F(rem.SpreadMedianMs, "F0")} ms, " +
                 $"95th percentile {F(rem.Spread95thMs, "F0")} ms, worst {F(rem.SpreadWorstMs, "F0")} ms, best {F(rem.SpreadBestMs, "F0")} ms; " +
                 $"{rem.SpreadReceived} e-mails received, {rem.SpreadDuplicates} duplicates (created in {F(rem.SpreadCreateSeconds, "F0")} s).");
            Line($"- {rem.BurstCount.ToString("N0", Invariant)} follow-ups due at one instant: first e-mail {F(rem.BurstFirstSeconds, "F1")} s after it, all delivered " +
                 $"{F(rem.BurstLastSeconds, "F1")} s after it ({F(rem.BurstPerSecond, "F0")} e-mails/s); {rem.BurstReceived.ToString("N0", Invariant)} received, " +
                 $"{rem.BurstDistinctMessageIds.ToString("N0", Invariant)} distinct Message-IDs, {rem.BurstDistinctFollowUps.ToString("N0", Invariant)} distinct follow-ups, " +
                 $"{rem.BurstDuplicates} duplicates (created in {F(rem.BurstCreateSeconds, "F0")} s, {F(rem.BurstMarginSeconds, "F0")} s before the due instant).");
            Line();
        }

        File.WriteAllText(file, s.ToString());
        return file;
    }

    private static string Mark(bool met) => met ? "yes" : "**no**";

    private static string Shorten(string path) => path.Length <= 48 ? path : path[..45] + "...";
}
