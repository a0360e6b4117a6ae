using Microsoft.EntityFrameworkCore;
using PyPyLeads.Schedule;
using PyPyLeads.UseCases;
using static PyPyLeads.IntegrationTests.Schedule.UseCaseSteps;

namespace PyPyLeads.IntegrationTests.Schedule;

/// <summary>The create- and revoke-a-calendar-feed use cases, called directly on a real SQLite file.</summary>
public sealed class CalendarFeedUseCaseTests : ScheduleUseCaseTest
{
    private async Task<string> CreateAsync(Caller caller) =>
        Assert.IsType<Done<CreateCalendarFeed.Created>>(await Rig.RunAsync<CreateCalendarFeed, Outcome>(u => u.RunAsync(new CreateCalendarFeed.Input(null), caller, CancellationToken.None))).Value.Token;

    private async Task<int> RevokeAsync(Caller caller) =>
        Assert.IsType<Done<RevokeCalendarFeed.Revoked>>(await Rig.RunAsync<RevokeCalendarFeed, Outcome>(u => u.RunAsync(caller, CancellationToken.None))).Value.Count;

    [Fact]
    public async Task A_new_feed_keeps_only_its_token_s_hash_and_turns_the_earlier_one_off()
    {
        var first = await CreateAsync(Coordinator);
        Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await CreateAsync(Coordinator);

        Assert.NotEqual(first, second);
        Assert.Matches("^[0-9a-f]{64}$", second);
        var feeds = await Rig.DbAsync(db => db.CalendarFeeds.AsNoTracking().OrderBy(f => f.Id).ToListAsync());
        Assert.Equal([CalendarFeed.Hash(first), CalendarFeed.Hash(second)], feeds.Select(f => f.TokenHash));
        Assert.Equal([Clock.GetUtcNow().UtcDateTime, null], feeds.Select(f => f.RevokedAtUtc));
    }

    [Fact]
    public async Task Each_user_s_feed_is_their_own()
    {
        var armin = await Rig.UserAsync("Armin Rigo", "arigo@openend.se");
        await CreateAsync(Coordinator);

        await CreateAsync(armin);
        Assert.Equal(1, await RevokeAsync(armin));

        Assert.Equal(1, await Rig.DbAsync(db => db.CalendarFeeds.CountAsync(f => f.UserId == Coordinator.UserId && f.RevokedAtUtc == null)));
    }

    [Fact]
    public async Task Revoking_turns_the_feed_off_and_twice_does_no_harm()
    {
        await CreateAsync(Coordinator);

        Assert.Equal(1, await RevokeAsync(Coordinator));
        Assert.Equal(0, await RevokeAsync(Coordinator));

        Assert.Equal(0, await Rig.DbAsync(db => db.CalendarFeeds.CountAsync(f => f.RevokedAtUtc == null)));
    }
}
