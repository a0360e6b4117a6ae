using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.TestSupport;

namespace PyPyLeads.Benchmarks;

/// <summary>What the reminder benchmark measured. Delays and times are from each follow-up's due instant, in real time.</summary>
public sealed record ReminderResults(
    int SpreadCount,
    TimeSpan SpreadInterval,
    double SpreadMedianMs,
    double Spread95thMs,
    double SpreadWorstMs,
    double SpreadBestMs,
    int SpreadReceived,
    int SpreadDuplicates,
    double SpreadCreateSeconds,
    int BurstCount,
    double BurstFirstSeconds,
    double BurstLastSeconds,
    int BurstReceived,
    int BurstDistinctMessageIds,
    int BurstDistinctFollowUps,
    int BurstDuplicates,
    double BurstCreateSeconds,
    double BurstMarginSeconds)
{
    public double BurstPerSecond => BurstLastSeconds > 0 ? BurstCount / BurstLastSeconds : 0;
}

/// <summary>
/// Issue 7, item 4: how quickly reminders reach a loopback SMTP server from the Release app as its own process (pinned
/// to core 0; this process pins itself to core 1).
/// <list type="bullet">
/// <item>Spread: 100 follow-ups due at instants 230 ms apart (so the due instants fall on every part of a second):
/// median, 95th percentile, worst and best delay from the due instant to the SMTP server's acceptance.</item>
/// <item>Burst: 10,000 follow-ups due at one instant: seconds from it to the first and the last acceptance, and
/// duplicates (distinct Message-IDs and distinct X-PyPyLeads-FollowUp headers against e-mails received).</item>
/// </list>
/// The app runs on the real clock with the Eurostars end moved to 2030, so every due instant is in the future and
/// before the end: the tour clock would do too, but its offset from real time would have to be inferred from the app,
/// and the SMTP server stamps acceptances in real time; on the real clock both sides read the same clock.
/// <para>
/// The follow-ups are written through the app's own model (LeadsDbContext on the app's SQLite file) while the app is
/// stopped, then the app is started and its start-up reconciler gives each its Hangfire delivery job, exactly as after
/// a restart in production (posting 10,000 forms would measure the forms, not the reminders). The due instants lie
/// after the moment every job is in place: the run checks that and fails otherwise, so nothing can be delivered before
/// its clock starts.
/// </para>
/// </summary>
public static class ReminderBenchmark
{
    public const int SpreadCount = 100;
    public const int BurstCount = 10_000;
    public static readonly TimeSpan SpreadInterval = TimeSpan.FromMilliseconds(230);

    public static async Task<ReminderResults> RunAsync(string workFolder, TextWriter log, CancellationToken ct)
    {
        // The app is pinned to core 0 (AppProcess); the SMTP server and this process stay on core 1.
        if (OperatingSystem.IsLinux() && Environment.ProcessorCount > 1)
        {
            Process.GetCurrentProcess().ProcessorAffinity = 2;
        }

        // Spread: the first due 15 s after the app is started (start-up plus 100 jobs take a few seconds).
        var spread = await RunScenarioAsync(workFolder, "spread", SpreadCount, i => SpreadInterval * i, TimeSpan.FromSeconds(15), log, ct);
        var delays = spread.Delays.Order().ToList();
        log.WriteLine($"Reminders, spread: {SpreadCount} due {SpreadInterval.TotalMilliseconds:F0} ms apart: median {Percentile(delays, 50):F0} ms, " +
                      $"95th {Percentile(delays, 95):F0} ms, worst {delays[^1]:F0} ms, best {delays[0]:F0} ms; {spread.Received} e-mails, " +
                      $"{spread.Duplicates} duplicates; jobs in place {spread.CreateSeconds:F1} s after the rows were written.");

        // Burst: the start-up reconciler puts about 300 jobs a second in place on a quiet machine (10,000 in 30 s); the
        // margin allows a third of that. On a busy machine the placing is projected early on, and when it would not
        // finish in time the scenario starts again, fresh, with a margin to fit.
        var margin = TimeSpan.FromSeconds(30 + BurstCount * 0.009);
        Scenario burst;
        while (true)
        {
            try
            {
                burst = await RunScenarioAsync(workFolder, "burst", BurstCount, _ => TimeSpan.Zero, margin, log, ct);
                break;
            }
            catch (TooLateException late) when (late.Needed > margin && margin < TimeSpan.FromMinutes(20))
            {
                log.WriteLine($"Reminders, burst: placing the jobs would take about {late.Needed.TotalSeconds:F0} s, more than the {margin.TotalSeconds:F0} s allowed: again, with room for that.");
                margin = late.Needed * 1.5;
            }
        }
        log.WriteLine($"Reminders, burst: {BurstCount} due at once: first accepted {burst.First:F1} s after the due instant, last {burst.Last:F1} s " +
                      $"({(burst.Last > 0 ? BurstCount / burst.Last : 0):F0}/s); {burst.Received} e-mails, {burst.DistinctMessageIds} distinct Message-IDs, " +
                      $"{burst.DistinctFollowUps} distinct follow-ups, {burst.Duplicates} duplicates; jobs in place {burst.CreateSeconds:F1} s after the rows were written " +
                      $"(due {margin.TotalSeconds:F0} s after).");

        return new ReminderResults(
            SpreadCount, SpreadInterval, Percentile(delays, 50), Percentile(delays, 95), delays[^1], delays[0], spread.Received, spread.Duplicates, spread.CreateSeconds,
            BurstCount, burst.First, burst.Last, burst.Received, burst.DistinctMessageIds, burst.DistinctFollowUps, burst.Duplicates, burst.CreateSeconds, margin.TotalSeconds);
    }

    private sealed record Scenario(IReadOnlyList<double> Delays, double First, double Last, int Received, int DistinctMessageIds, int DistinctFollowUps, int Duplicates, double CreateSeconds);

    private static async Task<Scenario> RunScenarioAsync(string workFolder, string name, int count, Func<int, TimeSpan> offset, TimeSpan margin, TextWriter log, CancellationToken ct)
    {
        var data = Path.Combine(workFolder, $"reminders-{name}-{DateTime.UtcNow:yyyyMMddHHmmss}");
        Directory.CreateDirectory(data);
        await using var smtp = new SmtpSink();
        var settings = new Dictionary<string, string>(smtp.AppSettings) { ["Eurostars:EndsOn"] = "2030-12-31" };

        // First run: migrate and set up the first admin through the set-up page, then stop.
        await using (var first = await PublishedApp.StartAsync(data, settings, core: 0))
        {
            using var client = AppProcess.Client(first.BaseAddress);
            await People.SetUpAsync(client);
        }

        // The rows, through the app's model, while the app is stopped. The due instants are fixed now: margin after
        // the moment the app is about to start again.
        var dueBase = DateTime.UtcNow + margin;
        var due = (await ReminderData.WriteDueAsync(data, count, i => dueBase + offset(i), ct))
            .ToDictionary(d => d.Key.ToString(CultureInfo.InvariantCulture), d => d.Value);

        // Second run: the start-up reconciler gives every follow-up its delayed Hangfire job.
        var creating = Stopwatch.StartNew();
        // Writing the rows took part of the margin already.
        var writing = DateTime.UtcNow - (dueBase - margin);
        await using var app = await PublishedApp.StartAsync(data, settings, core: 0);
        await using (var db = ReminderData.Open(data))
        {
            int placed;
            while ((placed = await db.FollowUps.CountAsync(f => f.HangfireJobId != null, ct)) < count)
            {
                // Once a tenth is placed, the end of the placing is projected; it must come 10 s before the first due.
                var placing = placed >= count / 10 ? creating.Elapsed * count / placed : creating.Elapsed * 10;
                if (DateTime.UtcNow >= dueBase || (placed >= count / 10 && writing + placing + TimeSpan.FromSeconds(10) > margin))
                {
                    throw new TooLateException(writing + placing + TimeSpan.FromSeconds(10));
                }
                await Task.Delay(100, ct);
            }
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var created = creating.Elapsed.TotalSeconds;
        log.WriteLine($"Reminders, {name}: {count} follow-ups written and their jobs in place after {created:F1} s; the first falls due in {(dueBase - DateTime.UtcNow).TotalSeconds:F1} s.");

        // The owner's daily digest may go out too: only the reminders count.
        var lastDue = due.Values.Max();
        await smtp.WaitForAsync(IsReminder, count, lastDue - DateTime.UtcNow + TimeSpan.FromMinutes(count > 1000 ? 30 : 3));
        // A few seconds more for any late duplicate.
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        var reminders = smtp.Received.Where(IsReminder).ToList();
        var delays = reminders.Select(m => (m.ReceivedAt.UtcDateTime - due[m.Message.Headers["X-PyPyLeads-FollowUp"]!]).TotalMilliseconds).ToList();
        if (count <= 1000)
        {
            // Which ones were late, in due order (the first to fall due pays for the app's first e-mail: JIT, connect).
            var order = due.OrderBy(d => d.Value).Select((d, i) => (d.Key, i)).ToDictionary(x => x.Key, x => x.i + 1);
            var latest = reminders.Zip(delays).OrderByDescending(x => x.Second).Take(3)
                .Select(x => $"#{order[x.First.Message.Headers["X-PyPyLeads-FollowUp"]!]} {x.Second:F0} ms");
            log.WriteLine($"Reminders, {name}: the latest were {string.Join(", ", latest)}.");
        }
        var distinctIds = reminders.Select(m => m.Message.MessageId).Distinct().Count();
        var distinctFollowUps = reminders.Select(m => m.Message.Headers["X-PyPyLeads-FollowUp"]).Distinct().Count();
        return new Scenario(delays, delays.Min() / 1000, delays.Max() / 1000, reminders.Count, distinctIds, distinctFollowUps,
            reminders.Count - distinctFollowUps, created);
    }

    /// <summary>The jobs would not all be in place before the first due instant; <see cref="Needed"/> is a margin that would do.</summary>
    private sealed class TooLateException(TimeSpan needed) : Exception($"The jobs would need about {needed.TotalSeconds:F0} s to be in place.")
    {
        public TimeSpan Needed { get; } = needed;
    }

    private static bool IsReminder(ReceivedMail mail) => mail.Message.Headers["X-PyPyLeads-FollowUp"] is not null;

    private static double Percentile(IReadOnlyList<double> sorted, int percent) =>
        sorted[Math.Clamp((int)Math.Ceiling(sorted.Count * percent / 100.0) - 1, 0, sorted.Count - 1)];
}
