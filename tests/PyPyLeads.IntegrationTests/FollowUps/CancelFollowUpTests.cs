using PyPyLeads.FollowUps;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>The cancel-a-follow-up use case, called directly on a real SQLite file.</summary>
public sealed class CancelFollowUpTests : FollowUpUseCaseTests
{
    private Task<Outcome> Cancel(int id, Caller caller) =>
        Run<CancelFollowUp>(u => u.RunAsync(new(id), caller, CancellationToken.None));

    [Fact]
    public async Task Cancelling_stops_the_reminder_and_the_timeline_says_who()
    {
        var id = await ScheduledAsync(owner: Armin, by: Armin);

        Assert.Equal("Follow-up cancelled.", Assert.IsType<Done<CancelFollowUp.Cancelled>>(await Cancel(id, Armin)).Value.Message);

        var row = await FollowUpAsync(id);
        Assert.Equal((FollowUpState.Cancelled, (DateTime?)Now, Armin.UserId, (string?)null), (row.State, row.CancelledAtUtc, row.ClosedByUserId, row.HangfireJobId));
        var entry = (await TimelineAsync(id))[^1];
        Assert.Equal(("followup.cancelled", "Follow-up cancelled", "Armin Rigo"), (entry.Kind, entry.Summary, entry.ActorName));
    }

    [Fact]
    public async Task A_member_who_neither_owns_nor_scheduled_it_may_not_cancel_it()
    {
        var id = await ScheduledAsync(owner: Armin, by: Laura);

        Assert.IsType<NotAllowed>(await Cancel(id, Maciej));
        Assert.Equal(FollowUpState.Scheduled, (await FollowUpAsync(id)).State);
    }

    [Fact]
    public async Task A_follow_up_already_done_cannot_be_cancelled()
    {
        var id = await ScheduledAsync(owner: Armin, by: Armin);
        Assert.IsType<Done<CompleteFollowUp.Completed>>(await Run<CompleteFollowUp>(u => u.RunAsync(new(id), Armin, CancellationToken.None)));

        var invalid = Assert.IsType<Invalid>(await Cancel(id, Laura));

        Assert.Equal([new FieldError("", "This follow-up is already done.")], invalid.Errors);
        Assert.Equal(FollowUpState.Done, (await FollowUpAsync(id)).State);
    }
}
