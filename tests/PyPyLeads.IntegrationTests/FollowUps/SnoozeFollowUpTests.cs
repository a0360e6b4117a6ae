using PyPyLeads.FollowUps;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>The snooze-a-follow-up use case, called directly on a real SQLite file.</summary>
public sealed class SnoozeFollowUpTests : FollowUpUseCaseTests
{
    /// <summary>Snoozes it from a page showing <paramref name="version"/>, by default the version it has now (a fresh page).</summary>
    private async Task<Outcome> Snooze(int id, string? choice, Caller caller, long? version = null)
    {
        var seen = version ?? (await FollowUpAsync(id)).Version;
        return await Run<SnoozeFollowUp>(u => u.RunAsync(new(id, choice, seen), caller, CancellationToken.None));
    }

    [Fact]
    public async Task Snoozing_for_15_minutes_starts_a_new_round_then_and_says_when_in_the_caller_s_zone()
    {
        var id = await ScheduledAsync(owner: Armin, by: Armin);

        var done = Assert.IsType<Done<SnoozeFollowUp.Snoozed>>(await Snooze(id, "15m", Armin));

        Assert.Equal("Snoozed for 15 minutes: due Wed 2 Mar 2011, 18:15 CET.", done.Value.Message);
        var row = await FollowUpAsync(id);
        Assert.Equal((Now.AddMinutes(15), Now.AddMinutes(15), 2, FollowUpState.Scheduled), (row.DueAtUtc, row.NextAttemptAtUtc, row.Round, row.State));
        var entry = (await TimelineAsync(id))[^1];
        Assert.Equal(("followup.snoozed", "Follow-up snoozed for 15 minutes, until Wed 2 Mar 2011, 18:15 CET", "Armin Rigo"), (entry.Kind, entry.Summary, entry.ActorName));
    }

    [Fact]
    public async Task Tomorrow_morning_is_09_00_in_the_owner_s_zone()
    {
        var id = await ScheduledAsync(owner: Maciej, by: Maciej);

        var done = Assert.IsType<Done<SnoozeFollowUp.Snoozed>>(await Snooze(id, "tomorrow", Laura));

        Assert.Equal(new DateTime(2011, 3, 3, 14, 0, 0, DateTimeKind.Utc), (await FollowUpAsync(id)).DueAtUtc);
        Assert.Equal("Snoozed until tomorrow morning: due Thu 3 Mar 2011, 15:00 CET.", done.Value.Message);
    }

    [Fact]
    public async Task An_unknown_choice_is_refused()
    {
        var id = await ScheduledAsync(owner: Armin, by: Armin);

        var invalid = Assert.IsType<Invalid>(await Snooze(id, "forever", Armin));

        Assert.Equal([new FieldError("For", "Choose how long to snooze: 15 minutes, an hour, or until tomorrow morning.")], invalid.Errors);
        Assert.Equal(1, (await FollowUpAsync(id)).Round);
    }

    [Fact]
    public async Task A_snooze_past_the_Eurostars_end_is_refused_with_the_reason()
    {
        var id = await ScheduledAsync(owner: Armin, by: Armin);
        Clock.Advance(new DateTimeOffset(2011, 9, 30, 21, 50, 0, TimeSpan.Zero) - Clock.GetUtcNow());

        var invalid = Assert.IsType<Invalid>(await Snooze(id, "15m", Armin));

        var error = Assert.Single(invalid.Errors);
        Assert.Contains("before the Eurostars project ends", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await FollowUpAsync(id)).Round);
    }

    [Fact]
    public async Task A_member_who_neither_owns_nor_scheduled_it_may_not_snooze_it()
    {
        var id = await ScheduledAsync(owner: Armin, by: Armin);

        Assert.IsType<NotAllowed>(await Snooze(id, "1h", Maciej));
        Assert.Equal(1, (await FollowUpAsync(id)).Round);
    }

    [Fact]
    public async Task Two_taps_on_one_page_snooze_once()
    {
        var id = await ScheduledAsync(owner: Armin, by: Armin);
        var seen = (await FollowUpAsync(id)).Version;
        Assert.IsType<Done<SnoozeFollowUp.Snoozed>>(await Snooze(id, "15m", Armin, seen));

        var conflict = Assert.IsType<Conflict<FollowUpChanges.Current>>(await Snooze(id, "1h", Armin, seen));

        var row = await FollowUpAsync(id);
        Assert.Equal((2, Now.AddMinutes(15)), (row.Round, row.DueAtUtc));
        Assert.Equal(new FollowUpChanges.Current(id, row.Version, FollowUpState.Scheduled), conflict.Current);
        Assert.Single(await TimelineAsync(id), t => t.Kind == "followup.snoozed");
    }
}
