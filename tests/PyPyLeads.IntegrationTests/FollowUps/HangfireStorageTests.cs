using Hangfire;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>
/// The embedded Hangfire storage (Hangfire.Storage.SQLite) with the indexes the app adds to it: its scheduler asks for
/// the first due delayed job once per job it moves to the queue, which must not read and sort every waiting job.
/// </summary>
public sealed class HangfireStorageTests
{
    [Fact]
    public async Task The_scheduler_finds_the_next_due_job_through_an_index_not_by_sorting_every_waiting_job()
    {
        await using var rig = await ReminderRig.StartAsync();
        var company = await rig.CompanyAsync("Yelp");
        var later = await rig.NewFollowUpAsync(company, TimeSpan.FromHours(3));
        var first = await rig.NewFollowUpAsync(company, TimeSpan.FromHours(1));
        await rig.NewFollowUpAsync(company, TimeSpan.FromHours(2));
        // A restart creates the indexes again: nothing to do, no error.
        await rig.RestartAsync();

        // The storage's own lookup, as the scheduler calls it, still answers: the earliest delayed job.
        var storage = rig.App.Services.GetRequiredService<JobStorage>();
        using (var connection = storage.GetConnection())
        {
            var next = connection.GetFirstByLowestScoreFromSet("schedule", 0, DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds());
            Assert.Equal((await rig.FollowUpAsync(first)).HangfireJobId, next);
            Assert.NotEqual((await rig.FollowUpAsync(later)).HangfireJobId, next);
        }

        // Its query shape: a range read of the index, without a sort of every row of the set.
        await using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(rig.DataDirectory, "hangfire.db"), Pooling = false }.ConnectionString);
        await db.OpenAsync();
        var plan = await PlanAsync(db, """SELECT "Value" FROM "Set" WHERE "Key" = 'schedule' AND "Score" >= 0 AND "Score" <= 2000000000 ORDER BY "Score" LIMIT 1""");
        Assert.Contains("IX_Set_Key_Score", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
        var lookup = await PlanAsync(db, """SELECT * FROM "Set" WHERE "Key" = 'schedule' AND "Value" = '1' LIMIT 1""");
        Assert.Contains("IX_Set_Key_Value", lookup, StringComparison.Ordinal);
    }

    private static async Task<string> PlanAsync(SqliteConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(3));
        }
        return string.Join("\n", lines);
    }
}
