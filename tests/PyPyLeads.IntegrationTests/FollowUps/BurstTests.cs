using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>
/// Many follow-ups due at once: one drain sends them; their own Hangfire jobs must cost as little as possible meanwhile
/// (they share the app's core with the sending), without giving up any delivery guarantee.
/// </summary>
public sealed class BurstTests
{
    [Fact]
    public async Task A_job_whose_follow_up_is_being_sent_or_was_sent_ends_without_queueing_for_the_write_lock()
    {
        await using var rig = await ReminderRig.StartAsync();
        var company = await rig.CompanyAsync("Yelp");
        var claimed = await rig.NewFollowUpAsync(company, TimeSpan.FromMinutes(1));
        var sent = await rig.NewFollowUpAsync(company, TimeSpan.FromMinutes(1));
        rig.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(DeliveryOutcome.Sent, await rig.RunJobAsync(sent));
        // Another deliverer holds this one (it is sending it now).
        var claim = await rig.InScopeAsync(sp => sp.GetRequiredService<FollowUpDelivery>().ClaimAsync(claimed, CancellationToken.None));
        Assert.NotNull(claim);

        // A drain's transaction holds SQLite's write lock: the jobs must not wait for it (a claim would).
        await using (var writer = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(rig.DataDirectory, "pypyleads.db"), Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ConnectionString))
        {
            await writer.OpenAsync();
            await using (var begin = writer.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                await begin.ExecuteNonQueryAsync();
            }
            Assert.Equal(DeliveryOutcome.NothingToDo, await rig.RunJobAsync(claimed));
            Assert.Equal(DeliveryOutcome.NothingToDo, await rig.RunJobAsync(sent));
            await using var rollback = writer.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }

        // The claim is untouched: its holder records it.
        var row = await rig.FollowUpAsync(claimed);
        Assert.Equal((FollowUpState.Sending, claim.Token), (row.State, row.ClaimToken));
        Assert.Single(rig.Smtp.Received);
        Assert.Equal(DeliveryOutcome.Sent, await rig.InScopeAsync(sp => sp.GetRequiredService<FollowUpDelivery>().SendClaimedAsync(claim, CancellationToken.None)));
        Assert.Equal(2, rig.Smtp.Received.Count);
        Assert.Equal(FollowUpState.Reminded, (await rig.FollowUpAsync(claimed)).State);
    }

    [Fact]
    public async Task While_a_drain_is_sending_the_other_jobs_of_the_burst_end_only_once_it_is_done()
    {
        await using var rig = await ReminderRig.StartAsync();
        var company = await rig.CompanyAsync("PyCon");
        var ids = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await rig.NewFollowUpAsync(company, TimeSpan.FromMinutes(1)));
        }
        rig.Clock.Advance(TimeSpan.FromMinutes(1));

        // The server holds the drain's first message a moment, so the jobs below start while it is sending.
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        rig.Smtp.BeforeAccept = async _ =>
        {
            rig.Smtp.BeforeAccept = null;
            holding.SetResult();
            await Task.Delay(500);
        };
        var drain = rig.InScopeAsync(sp => sp.GetRequiredService<FollowUpDelivery>().DrainAsync(TimeSpan.Zero, waitForTurn: true, CancellationToken.None));
        await holding.Task;

        // Two jobs of the burst, as Hangfire runs them: each sends its own reminder unless a drainer got to it first,
        // then tries to drain too.
        var jobs = ids.Skip(4).Select(id => Task.Run(() => rig.InScopeAsync(async sp =>
        {
            await sp.GetRequiredService<FollowUpJobs>().DeliverAsync(id, null, CancellationToken.None);
            // What the server had accepted when the job ended.
            return rig.Smtp.Received.Count;
        }))).ToList();

        Assert.All(await Task.WhenAll(jobs), received => Assert.Equal(ids.Count, received));
        Assert.InRange(await drain, 1, ids.Count);
        Assert.Equal(ids.Count, rig.Smtp.Received.Count);
        Assert.Equal(ids.Count, rig.Smtp.Received.Select(m => m.Message.MessageId).Distinct().Count());
        var states = await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().FollowUps.Select(f => f.State).ToListAsync());
        Assert.All(states, s => Assert.Equal(FollowUpState.Reminded, s));
    }
}
