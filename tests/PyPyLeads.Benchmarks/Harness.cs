using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;
using PyPyLeads.TestSupport;

namespace PyPyLeads.Benchmarks;

/// <summary>
/// The benchmark harness: one command from nothing to the results file.
/// <code>bash tests/PyPyLeads.Benchmarks/run.sh [base|stress] [--only data,startup,sql,pages,reminders]</code>
/// Phases: set-up through the app's pages, data generation, start-up and idle memory, SQL statements per request,
/// HTTP load on the key pages with a bare baseline for the list and the dashboard, and reminders. The app runs as its
/// own Release process pinned to core 0; this process (and wrk) run on core 1.
/// </summary>
public static class Harness
{
    public const string ClockStartsAt = "2011-03-02T09:00:00-08:00";
    public const string AdminEmail = People.AdminEmail;
    public const string AdminPassword = People.AdminPassword;
    public const string StaffPassword = "benchmark staff password";
    /// <summary>The first invited staff member (Jacob Hallén, Open End): owns a tenth of the generated deals and follow-ups.</summary>
    public const string JacobEmail = "staff0@example.org";

    public static async Task<int> Main(string[] args)
    {
        if (args is [Baseline.Verb, .. var rest])
        {
            return await Baseline.ServeAsync(rest);
        }
        var size = DataSize.Parse(args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "base");
        var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault()?.Split(',').ToHashSet()
                   ?? ["data", "startup", "sql", "pages", "reminders"];
        if (Environment.ProcessorCount < 2)
        {
            Console.Error.WriteLine("The harness needs two cores: the app on one, the load generator on the other.");
            return 2;
        }
        // This process and everything it starts, except the app and the baseline, run on core 1.
        if (OperatingSystem.IsLinux())
        {
            Process.GetCurrentProcess().ProcessorAffinity = 2;
        }

        // PYPYLEADS_BENCHMARK_DIR: another place for the data, so that two checkouts can measure side by side.
        var work = Path.Combine(Environment.GetEnvironmentVariable("PYPYLEADS_BENCHMARK_DIR") is { Length: > 0 } dir ? dir : Path.Combine(Path.GetTempPath(), "pypyleads-benchmarks"), size.Name);
        var data = Path.Combine(work, "data");
        var results = new Results(size, Machine.Describe());
        var log = Console.Out;
        log.WriteLine($"PyPyLeads benchmarks, {size.Name} data, in {work}");
        log.WriteLine(results.Machine);
        results.ProbeQuietMs = Enumerable.Range(0, 20).Min(_ => MachineProbe.WalkMs());
        log.WriteLine($"Machine probe: fastest walk {results.ProbeQuietMs:F0} ms");

        if (only.Contains("data") || !File.Exists(Path.Combine(data, "pypyleads.db")))
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
            Directory.CreateDirectory(data);
            log.WriteLine("Set-up through the app's pages, then statements per request on the nearly empty database...");
            await using (var app = await PublishedApp.StartAsync(data, AppSettings(sqlLog: true)))
            {
                await SetUpAsync(app);
                results.SqlSmall = await SqlCounts.MeasureAsync(app, data, log);
            }
            log.WriteLine($"Generating {size.Name} data...");
            results.Data = await Generator.FillAsync(Path.Combine(data, "pypyleads.db"), size, log);
            // One start places the Hangfire jobs of the waiting follow-ups (the reconciler), as a running app has.
            await using (var app = await PublishedApp.StartAsync(data, AppSettings()))
            {
                await WaitForJobsAsync(data);
            }
            Directory.CreateDirectory(Path.Combine(work, "pristine"));
            foreach (var db in Directory.GetFiles(data, "*.db"))
            {
                File.Copy(db, Path.Combine(work, "pristine", Path.GetFileName(db)), overwrite: true);
            }
            log.WriteLine($"Data ready in {results.Data.Took.TotalSeconds:F0} s: {results.Data.DatabaseBytes / 1048576.0:F0} MB.");
        }
        else
        {
            results.Data = null;
        }

        if (only.Contains("serve"))
        {
            // For profiling by hand: the app on the generated data, and a signed-in cookie for wrk or curl.
            await using var app = await PublishedApp.StartAsync(data, AppSettings());
            var (client, cookies) = await SignInAsync(app.BaseAddress);
            client.Dispose();
            log.WriteLine($"Serving at {app.BaseAddress} (pid {app.ProcessId}) for 15 minutes. Cookie: {AppProcess.CookieHeader(cookies, app.BaseAddress)}");
            await File.WriteAllTextAsync(Path.Combine(work, "serve.txt"), $"{app.BaseAddress}\n{app.ProcessId}\n{AppProcess.CookieHeader(cookies, app.BaseAddress)}\n");
            await Task.Delay(TimeSpan.FromMinutes(15));
            return 0;
        }
        if (only.Contains("startup"))
        {
            results.Startup = await Startup.MeasureAsync(data, AppSettings(), log);
        }
        if (only.Contains("sql") || (only.Contains("pages") && results.SqlBase is null))
        {
            await using var app = await PublishedApp.StartAsync(data, AppSettings(sqlLog: true));
            results.SqlBase = await SqlCounts.MeasureAsync(app, data, log);
            // The statements themselves, beside the data: what the baseline replays, and what to read when a count moves.
            await File.WriteAllLinesAsync(Path.Combine(work, "statements.txt"),
                results.SqlBase.SelectMany(w => new[] { $"## {w.Key} ({w.Value.Path})" }.Concat(w.Value.Commands).Append("")));
        }
        if (only.Contains("pages"))
        {
            results.Pages = await Pages.MeasureAsync(work, data, AppSettings(), results.SqlBase!, log);
        }
        if (only.Contains("reminders"))
        {
            results.Reminders = await ReminderBenchmark.RunAsync(Path.Combine(work, "reminders"), log, CancellationToken.None);
        }

        var file = results.Write(Results.FileFor(size));
        log.WriteLine($"Results written to {file}");
        return 0;
    }

    /// <summary>The app as the benchmark runs it: the tour clock, and the public form's per-address and the API's per-token limits lifted (all load comes from one address and one token).</summary>
    public static Dictionary<string, string> AppSettings(bool sqlLog = false)
    {
        var settings = new Dictionary<string, string>
        {
            ["Clock:StartsAt"] = ClockStartsAt,
            ["PublicForm:PermitsPerHour"] = "100000000",
            ["SignIn:PermitsPerMinute"] = "1000",
            // The API workloads send every request with one token.
            ["Api:PermitsPerMinute"] = "100000000",
        };
        if (sqlLog)
        {
            // One JSON line per executed command, to count them per request (the load runs never log them).
            settings["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Information";
            settings["Logging:Console:FormatterName"] = "json";
        }
        return settings;
    }

    /// <summary>First-run set-up (Laura as admin) and ten staff, half per consultancy, invited and accepted through the pages.</summary>
    private static async Task SetUpAsync(AppProcess app)
    {
        using var admin = AppProcess.Client(app.BaseAddress);
        await People.SetUpAsync(admin);
        var faker = new Bogus.Faker("de");
        for (var i = 0; i < 10; i++)
        {
            var name = i switch { 0 => "Jacob Hallén", 1 => "Maciej Fijałkowski", _ => faker.Name.FullName() };
            var invitation = await People.InviteAsync(admin, name, i == 0 ? JacobEmail : $"staff{i}@example.org", "Member", consultancyId: i % 2 + 1);
            using var member = AppProcess.Client(app.BaseAddress);
            var accepted = await member.PostFormAsync(invitation, new Dictionary<string, string> { ["Password"] = StaffPassword, ["ConfirmPassword"] = StaffPassword }, "/account/invitation");
            People.Expect(accepted, HttpStatusCode.Redirect, "/account/signin");
        }
    }

    /// <summary>Waits until every waiting follow-up has its Hangfire job (placed by the app's reconciler at start).</summary>
    private static async Task WaitForJobsAsync(string data)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using var db = new LeadsDbContext(Generator.Options(Path.Combine(data, "pypyleads.db")));
            var missing = await db.FollowUps.CountAsync(f => f.State == FollowUpState.Scheduled && f.HangfireJobId == null);
            if (missing == 0)
            {
                return;
            }
            if (deadline.Elapsed > TimeSpan.FromMinutes(20))
            {
                throw new TimeoutException($"{missing} waiting follow-ups still have no Hangfire job.");
            }
            await Task.Delay(1000);
        }
    }


    /// <summary>Signs in (as the admin unless told otherwise); returns the Cookie header a load generator sends.</summary>
    public static async Task<(HttpClient Client, CookieContainer Cookies)> SignInAsync(Uri baseAddress, string email = AdminEmail, string password = AdminPassword)
    {
        var cookies = new CookieContainer();
        var client = AppProcess.Client(baseAddress, cookies);
        People.Expect(await People.SignInAsync(client, email, password), HttpStatusCode.Redirect, "/");
        return (client, cookies);
    }
}

public static class Machine
{
    public static string Describe()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30);
        return $"{Environment.ProcessorCount} cores ({cpu ?? "unknown CPU"}), {memory} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }
}
