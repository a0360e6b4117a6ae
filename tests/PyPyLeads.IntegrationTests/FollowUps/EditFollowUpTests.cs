using PyPyLeads.FollowUps;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>The reschedule-or-edit-a-follow-up use case, called directly on a real SQLite file.</summary>
public sealed class EditFollowUpTests : FollowUpUseCaseTests
{
    private Task<Outcome> Edit(EditFollowUp.Input input, Caller caller) =>
        Run<EditFollowUp>(u => u.RunAsync(input, caller, CancellationToken.None));

    [Fact]
    public async Task A_new_due_time_is_a_new_round_and_the_timeline_says_what_changed()
    {
        var id = await ScheduledAsync(owner: Armin, by: Armin, note: "Call the CTO");
        var before = await FollowUpAsync(id);
        var later = before.DueAtUtc.AddHours(2);

        var outcome = await Edit(new(id, before.Version, Maciej.UserId, later, "Call the CTO"), Armin);

        Assert.Equal("Follow-up saved.", Assert.IsType<Done<EditFollowUp.Saved>>(outcome).Value.Message);
        var row = await FollowUpAsync(id);
        Assert.Equal((later, later, 2, Maciej.UserId, FollowUpState.Scheduled), (row.DueAtUtc, row.NextAttemptAtUtc, row.Round, row.OwnerUserId, row.State));
        var entry = (await TimelineAsync(id))[^1];
        Assert.Equal(("followup.rescheduled", "Follow-up due Wed 2 Mar 2011, 15:00 EST (was Wed 2 Mar 2011, 13:00 EST); now for Maciej Fijałkowski", "Armin Rigo"),
            (entry.Kind, entry.Summary, entry.ActorName));
    }

    [Fact]
    public async Task An_unchanged_due_time_that_has_passed_is_not_held_to_the_deadline_rule_again()
    {
        var id = await ScheduledAsync(owner: Armin, by: Armin);
        var before = await FollowUpAsync(id);
        Clock.Advance(TimeSpan.FromHours(2));

        Assert.IsType<Done<EditFollowUp.Saved>>(await Edit(new(id, before.Version, Armin.UserId, before.DueAtUtc, "Still to do"), Armin));

        var row = await FollowUpAsync(id);
        Assert.Equal(("Still to do", 1), (row.Note, row.Round));
        Assert.Equal("followup.edited", (await TimelineAsync(id))[^1].Kind);
    }

    [Fact]
    public async Task A_new_due_time_after_the_Eurostars_end_is_refused_beside_the_due_field()
    {
        var id = await ScheduledAsync(owner: Armin, by: Armin);
        var before = await FollowUpAsync(id);

        var invalid = Assert.IsType<Invalid>(await Edit(new(id, before.Version, Armin.UserId, new DateTime(2011, 10, 3, 8, 0, 0, DateTimeKind.Utc), null), Armin));

        var error = Assert.Single(invalid.Errors);
        Assert.Equal(nameof(EditFollowUp.Input.DueAtUtc), error.Field);
        Assert.Contains("before the Eurostars project ends", error.Message, StringComparison.Ordinal);
        Assert.Equal(before.DueAtUtc, (await FollowUpAsync(id)).DueAtUtc);
    }

    [Fact]
    public async Task A_stale_version_saves_nothing_and_answers_with_the_follow_up_as_it_stands()
    {
        var id = await ScheduledAsync(owner: Armin, by: Armin, note: "Original");
        var seen = await FollowUpAsync(id);
        Assert.IsType<Done<EditFollowUp.Saved>>(await Edit(new(id, seen.Version, Armin.UserId, seen.DueAtUtc, "Theirs"), Laura));

        var outcome = await Edit(new(id, seen.Version, Armin.UserId, seen.DueAtUtc.AddHours(1), "Mine"), Armin);

        var conflict = Assert.IsType<Conflict<FollowUpChanges.Current>>(outcome);
        var now = await FollowUpAsync(id);
        Assert.Equal(now.Version, conflict.Current.Version);
        Assert.NotEqual(seen.Version, now.Version);
        Assert.Equal(("Theirs", seen.DueAtUtc), (now.Note, now.DueAtUtc));
        Assert.StartsWith("Someone else changed this follow-up while you were editing it.", conflict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_closed_follow_up_cannot_be_edited()
    {
        var id = await ScheduledAsync(owner: Armin, by: Armin);
        var before = await FollowUpAsync(id);
        Assert.IsType<Done<CancelFollowUp.Cancelled>>(await Run<CancelFollowUp>(u => u.RunAsync(new(id, before.Version), Armin, CancellationToken.None)));
        var row = await FollowUpAsync(id);

        var invalid = Assert.IsType<Invalid>(await Edit(new(id, row.Version, Armin.UserId, row.DueAtUtc.AddHours(1), null), Armin));

        Assert.Equal([new FieldError("", "This follow-up is already cancelled: schedule a new one instead.")], invalid.Errors);
    }

    [Fact]
    public async Task A_member_who_neither_owns_nor_scheduled_it_may_not_edit_it()
    {
        var id = await ScheduledAsync(owner: Armin, by: Armin, note: "Mine");
        var row = await FollowUpAsync(id);

        Assert.IsType<NotAllowed>(await Edit(new(id, row.Version, Maciej.UserId, row.DueAtUtc, "Now mine"), Maciej));
        Assert.Equal("Mine", (await FollowUpAsync(id)).Note);
    }
}
