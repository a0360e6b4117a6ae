using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Timeline;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>Two app instances, each with its Hangfire job server, on one database and one Hangfire storage.</summary>
public sealed class TwoServersTests
{
    [Fact]
    public async Task Two_job_servers_racing_for_the_same_follow_ups_send_one_email_each()
    {
        await using var rig = await ReminderRig.StartAsync(jobServer: true);
        var second = rig.SecondInstance(jobServer: true);
        var company = await rig.CompanyAsync("Yelp");
        var laura = await rig.UserIdAsync(People.AdminEmail);
        var ids = await rig.InScopeAsync(async sp =>
        {
            var scheduler = sp.GetRequiredService<FollowUpScheduler>();
            var created = new List<int>();
            for (var i = 0; i < 20; i++)
            {
                var due = rig.Clock.GetUtcNow().UtcDateTime.AddMinutes(5);
                created.Add((await scheduler.CreateAsync(new NewFollowUp(company, laura, due, $"Follow-up {i}"), Actor.Reminders, CancellationToken.None)).Id);
            }
            return created;
        });
        rig.Clock.Advance(TimeSpan.FromMinutes(5));

        // Both instances enqueue every follow-up's delivery, and both reconcile at the same time.
        var clients = new[] { rig.App, second }.Select(a => a.Services.GetRequiredService<IBackgroundJobClient>()).ToList();
        foreach (var id in ids)
        {
            foreach (var client in clients)
            {
                client.Enqueue<FollowUpJobs>(j => j.DeliverAsync(id, null, CancellationToken.None));
            }
        }
        await Task.WhenAll(Task.Run(() => rig.ReconcileAsync()), Task.Run(() => rig.ReconcileAsync(second)));

        await DeliveryTests.WaitUntilAsync(async () => await rig.InScopeAsync(sp =>
            sp.GetRequiredService<LeadsDbContext>().FollowUps.AllAsync(f => f.State == FollowUpState.Reminded)), seconds: 60);
        // Let every enqueued job finish: each finds nothing left to claim.
        var monitoring = rig.App.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        await DeliveryTests.WaitUntilAsync(() => Task.FromResult(monitoring.EnqueuedCount("default") == 0 && monitoring.ProcessingCount() == 0), seconds: 60);
        // Which server picks which job is up to Hangfire (under load one may take them all), so the race that is
        // certain is the two instances' reconcilers above, run at the same moment, on top of 40 queued deliveries.

        // The servers also run the every-minute digest job: Laura's digest for today may be among the messages, once.
        var reminders = rig.Smtp.Received.Where(m => m.Message.Headers["X-PyPyLeads-FollowUp"] is not null).ToList();
        Assert.InRange(rig.Smtp.Received.Count - reminders.Count, 0, 1);
        Assert.Equal(20, reminders.Count);
        Assert.Equal(20, reminders.Select(m => m.Message.Headers["X-PyPyLeads-FollowUp"]).Distinct().Count());
        Assert.Equal(20, await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().Notifications.CountAsync()));
    }
}
