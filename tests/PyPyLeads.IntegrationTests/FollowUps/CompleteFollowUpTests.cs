using Microsoft.EntityFrameworkCore;
using PyPyLeads.FollowUps;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>The mark-a-follow-up-done use case, and who may change a follow-up, called directly on a real SQLite file.</summary>
public sealed class CompleteFollowUpTests : FollowUpUseCaseTests
{
    /// <summary>Marks it done from a page showing <paramref name="version"/>, by default the version it has now (a fresh page).</summary>
    private async Task<Outcome> Complete(int id, Caller caller, long? version = null)
    {
        var seen = version ?? (await Rig.DbAsync(db => db.FollowUps.Where(f => f.Id == id).Select(f => (long?)f.Version).SingleOrDefaultAsync())) ?? 0;
        return await Run<CompleteFollowUp>(u => u.RunAsync(new(id, seen), caller, CancellationToken.None));
    }

    [Fact]
    public async Task Its_owner_marks_it_done_though_someone_else_scheduled_it_and_the_timeline_says_who()
    {
        var id = await ScheduledAsync(owner: Armin, by: Laura);

        var outcome = await Complete(id, Armin);

        Assert.Equal("Marked done.", Assert.IsType<Done<CompleteFollowUp.Completed>>(outcome).Value.Message);
        var row = await FollowUpAsync(id);
        Assert.Equal((FollowUpState.Done, (DateTime?)Now, Armin.UserId, (string?)null), (row.State, row.DoneAtUtc, row.ClosedByUserId, row.HangfireJobId));
        var entry = (await TimelineAsync(id))[^1];
        Assert.Equal(("followup.done", "Follow-up done", "Armin Rigo"), (entry.Kind, entry.Summary, entry.ActorName));
    }

    [Fact]
    public async Task Whoever_scheduled_it_may_mark_it_done_for_its_owner()
    {
        var id = await ScheduledAsync(owner: Maciej, by: Armin);

        Assert.IsType<Done<CompleteFollowUp.Completed>>(await Complete(id, Armin));
        Assert.Equal(FollowUpState.Done, (await FollowUpAsync(id)).State);
    }

    [Fact]
    public async Task An_admin_may_mark_anyone_s_follow_up_done()
    {
        var id = await ScheduledAsync(owner: Armin, by: Armin);

        Assert.IsType<Done<CompleteFollowUp.Completed>>(await Complete(id, Laura));
        Assert.Equal(FollowUpState.Done, (await FollowUpAsync(id)).State);
    }

    [Fact]
    public async Task A_member_who_neither_owns_nor_scheduled_it_may_not_mark_it_done()
    {
        var id = await ScheduledAsync(owner: Armin, by: Armin);

        Assert.IsType<NotAllowed>(await Complete(id, Maciej));
        Assert.Equal(FollowUpState.Scheduled, (await FollowUpAsync(id)).State);
        Assert.Single(await TimelineAsync(id));
    }

    [Fact]
    public async Task A_follow_up_already_done_is_refused_with_a_message_and_left_as_it_is()
    {
        var id = await ScheduledAsync(owner: Armin, by: Armin);
        Assert.IsType<Done<CompleteFollowUp.Completed>>(await Complete(id, Armin));
        Clock.Advance(TimeSpan.FromMinutes(5));

        var invalid = Assert.IsType<Invalid>(await Complete(id, Armin));

        Assert.Equal([new FieldError("", "This follow-up is already done.")], invalid.Errors);
        Assert.Equal((DateTime?)Now.AddMinutes(-5), (await FollowUpAsync(id)).DoneAtUtc);
    }

    [Fact]
    public async Task A_follow_up_that_does_not_exist_is_not_found()
    {
        Assert.IsType<NotFound>(await Complete(4711, Laura));
    }

    [Fact]
    public async Task A_page_older_than_a_snooze_marks_nothing_done_and_gets_the_follow_up_as_it_stands()
    {
        var id = await ScheduledAsync(owner: Armin, by: Armin);
        var seen = (await FollowUpAsync(id)).Version;
        Assert.IsType<Done<SnoozeFollowUp.Snoozed>>(await Run<SnoozeFollowUp>(u => u.RunAsync(new(id, "1h", seen), Laura, CancellationToken.None)));

        var conflict = Assert.IsType<Conflict<FollowUpChanges.Current>>(await Complete(id, Armin, seen));

        var row = await FollowUpAsync(id);
        Assert.Equal((FollowUpState.Scheduled, 2, (DateTime?)null), (row.State, row.Round, row.DoneAtUtc));
        Assert.Equal(new FollowUpChanges.Current(id, row.Version, FollowUpState.Scheduled), conflict.Current);
        Assert.Equal(FollowUpChanges.ChangedMeanwhile, conflict.Message);
        Assert.DoesNotContain(await TimelineAsync(id), t => t.Kind == "followup.done");
    }

    [Fact]
    public async Task A_page_older_than_a_cancel_says_it_is_cancelled_now_and_leaves_it_so()
    {
        var id = await ScheduledAsync(owner: Armin, by: Armin);
        var seen = (await FollowUpAsync(id)).Version;
        Assert.IsType<Done<CancelFollowUp.Cancelled>>(await Run<CancelFollowUp>(u => u.RunAsync(new(id, seen), Laura, CancellationToken.None)));

        var conflict = Assert.IsType<Conflict<FollowUpChanges.Current>>(await Complete(id, Armin, seen));

        Assert.Equal(FollowUpChanges.ChangedMeanwhile + " This follow-up is already cancelled.", conflict.Message);
        Assert.Equal((FollowUpState.Cancelled, (DateTime?)null), ((await FollowUpAsync(id)).State, (await FollowUpAsync(id)).DoneAtUtc));
    }
}
