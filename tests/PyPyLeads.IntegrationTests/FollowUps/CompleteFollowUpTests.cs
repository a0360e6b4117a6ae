using PyPyLeads.FollowUps;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>The mark-a-follow-up-done use case, and who may change a follow-up, called directly on a real SQLite file.</summary>
public sealed class CompleteFollowUpTests : FollowUpUseCaseTests
{
    private Task<Outcome> Complete(int id, Caller caller) =>
        Run<CompleteFollowUp>(u => u.RunAsync(new(id), caller, CancellationToken.None));

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
}
