using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Companies;
using PyPyLeads.FollowUps;
using PyPyLeads.Intake;
using PyPyLeads.IntegrationTests.FollowUps;
using PyPyLeads.Webhooks;

namespace PyPyLeads.IntegrationTests;

public sealed class EveryMinuteTests
{
    [Fact]
    public async Task Each_features_minutely_job_runs_at_a_second_of_its_own_so_none_share_the_minute_turn()
    {
        await using var rig = await ReminderRig.StartAsync();
        var storage = rig.App.Services.GetRequiredService<JobStorage>();
        string[] ids = [FollowUpJobs.SweepJobId, CsvImportMaintenance.RecurringJobId, IntakeJobs.CheckJobId, WebhookJobs.SweepJobId];
        int Registered()
        {
            using var connection = storage.GetConnection();
            return connection.GetRecurringJobs(ids).Count(j => j.NextExecution is not null);
        }

        // Hangfire computes each next run from the cron expression: a six-field one it could not read would have none.
        Assert.Equal(ids.Length, await Eventually.EqualAsync(ids.Length, () => Task.FromResult(Registered())));
        using var connection = storage.GetConnection();
        var jobs = connection.GetRecurringJobs(ids);
        Assert.All(jobs, j => Assert.Null(j.Error));
        Assert.Equal(ids.Length, jobs.Select(j => j.NextExecution!.Value.Second).Distinct().Count());
        Assert.All(jobs, j => Assert.Equal(j.Cron.Split(' ').Length == 6 ? int.Parse(j.Cron.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) : 0,
            j.NextExecution!.Value.Second));
    }
}
