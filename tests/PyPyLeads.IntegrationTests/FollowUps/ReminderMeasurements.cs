using Hangfire;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;
using Xunit.Abstractions;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>Runs only when PYPYLEADS_MEASURE=1: measurements, not tests, and slow by design.</summary>
public sealed class MeasureFactAttribute : FactAttribute
{
    public MeasureFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("PYPYLEADS_MEASURE") != "1")
        {
            Skip = "A measurement: run with PYPYLEADS_MEASURE=1.";
        }
    }
}

/// <summary>
/// How quickly reminders go out on the real clock, with the real Hangfire server and a loopback SMTP server:
/// <c>PYPYLEADS_MEASURE=1 dotnet test tests/PyPyLeads.IntegrationTests --filter FullyQualifiedName~ReminderMeasurements --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class ReminderMeasurements(ITestOutputHelper output)
{
    [MeasureFact]
    public async Task Due_to_delivered_delay_of_100_follow_ups()
    {
        await using var smtp = new SmtpSink();
        using var app = new LeadsApp().SendingMailTo(smtp).With("Clock:StartsAt", "2011-03-02T09:00:00-08:00");
        var (company, owner) = await SetUpAsync(app);
        // The tour clock runs at the real rate from 2011: app time = real time + offset.
        var offset = app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime - DateTime.UtcNow;
        var start = DateTime.UtcNow;
        var due = new Dictionary<string, DateTime>();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var scheduler = scope.ServiceProvider.GetRequiredService<FollowUpScheduler>();
            for (var i = 0; i < 100; i++)
            {
                // Spread over 20 s, starting 10 s from now, so each falls due on its own.
                var at = start.AddSeconds(10).AddMilliseconds(i * 200);
                var f = await scheduler.CreateAsync(new NewFollowUp(company, owner, at + offset, null), Actor.System, CancellationToken.None);
                due[f.Id.ToString(CultureInfo.InvariantCulture)] = at;
            }
        }
        // (The owner's daily digest may go out meanwhile: only the reminders count.)
        var received = await smtp.WaitForAsync(IsReminder, 100, TimeSpan.FromMinutes(3));
        var delays = received.Select(m => (m.ReceivedAt.UtcDateTime - due[m.Message.Headers["X-PyPyLeads-FollowUp"]!]).TotalMilliseconds).Order().ToList();
        Report($"100 follow-ups due 200 ms apart: due-to-delivered median {delays[49]:F0} ms, 95th percentile {delays[94]:F0} ms, " +
               $"worst {delays[^1]:F0} ms, best {delays[0]:F0} ms; {received.Count} e-mails for 100 follow-ups.");
        Assert.Equal(100, received.Select(m => m.Message.MessageId).Distinct().Count());
        Assert.Equal(100, smtp.Received.Count(IsReminder));
    }

    [MeasureFact]
    public async Task Ten_thousand_follow_ups_due_at_once()
    {
        const int count = 10_000;
        await using var smtp = new SmtpSink();
        using var app = new LeadsApp().SendingMailTo(smtp).With("Clock:StartsAt", "2011-03-02T09:00:00-08:00");
        var (company, owner) = await SetUpAsync(app);
        var offset = app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime - DateTime.UtcNow;

        // Scheduling 10,000 (each with its Hangfire job) takes a while; all fall due at one instant after that.
        var creating = Stopwatch.StartNew();
        var dueAt = DateTime.UtcNow.AddMinutes(20);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var scheduler = scope.ServiceProvider.GetRequiredService<FollowUpScheduler>();
            var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
            for (var i = 0; i < count; i++)
            {
                await scheduler.CreateAsync(new NewFollowUp(company, owner, dueAt + offset, null), Actor.System, CancellationToken.None);
                db.ChangeTracker.Clear();
                if (i == 499)
                {
                    // Bring the due time in to just after the rest will have been created.
                    var perItem = creating.Elapsed / 500;
                    dueAt = DateTime.UtcNow + perItem * (count - 500) * 1.3 + TimeSpan.FromSeconds(20);
                    await db.FollowUps.ExecuteUpdateAsync(s => s.SetProperty(f => f.DueAtUtc, dueAt + offset).SetProperty(f => f.NextAttemptAtUtc, dueAt + offset));
                    // Their jobs are at the old time: delete them and let the reconciler place new ones.
                    var jobs = scope.ServiceProvider.GetRequiredService<IBackgroundJobClient>();
                    foreach (var job in await db.FollowUps.Select(f => f.HangfireJobId).ToListAsync())
                    {
                        jobs.Delete(job);
                    }
                    await scope.ServiceProvider.GetRequiredService<FollowUpReconciler>().ReconcileAsync(CancellationToken.None);
                }
            }
        }
        Report($"Scheduled {count} follow-ups (row + timeline entry + delayed Hangfire job each) in {creating.Elapsed.TotalSeconds:F0} s.");
        var wait = dueAt - DateTime.UtcNow;
        Assert.True(wait > TimeSpan.Zero, "creating took longer than planned: the measurement would start late");

        await Task.Delay(wait);
        var clock = Stopwatch.StartNew();
        var received = await smtp.WaitForAsync(IsReminder, count, TimeSpan.FromMinutes(60));
        var last = received.Max(m => m.ReceivedAt.UtcDateTime);
        var first = received.Min(m => m.ReceivedAt.UtcDateTime);
        Report($"{count} follow-ups due at once: first e-mail {(first - dueAt).TotalSeconds:F1} s after the due time, all delivered " +
               $"{(last - dueAt).TotalSeconds:F0} s after it ({count / (last - dueAt).TotalSeconds:F0} e-mails/s); waited {clock.Elapsed.TotalSeconds:F0} s.");
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal(count, smtp.Received.Count(IsReminder));
        Assert.Equal(count, smtp.Received.Where(IsReminder).Select(m => m.Message.MessageId).Distinct().Count());
    }

    private static bool IsReminder(ReceivedMail mail) => mail.Message.Headers["X-PyPyLeads-FollowUp"] is not null;

    private static async Task<(int Company, string Owner)> SetUpAsync(LeadsApp app)
    {
        await People.SetUpAsync(app.Client());
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        var company = new Company { Name = "Yelp", NameKey = "yelp", Source = LeadSource.TourStop };
        db.Companies.Add(company);
        await db.SaveChangesAsync();
        return (company.Id, await db.Users.Select(u => u.Id).SingleAsync());
    }

    private void Report(string line)
    {
        var machine = $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
        output.WriteLine($"{line} [{machine}]");
        File.AppendAllText(Path.Combine(Path.GetTempPath(), "pypyleads-reminder-measurements.txt"), $"{DateTime.UtcNow:O} {line} [{machine}]{Environment.NewLine}");
    }
}
