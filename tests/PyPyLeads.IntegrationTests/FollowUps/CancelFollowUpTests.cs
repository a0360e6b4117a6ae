using PyPyLeads.FollowUps;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>The cancel-a-follow-up use case, called directly on a real SQLite file.</summary>
public sealed class CancelFollowUpTests : FollowUpUseCaseTests
{
    /// <summary>Cancels it from a page showing <paramref name="version"/>, by default the version it has now (a fresh page).</summary>
    private async Task<Outcome> Cancel(int id, Caller caller, long? version = null)
    {
        var seen = version ?? (await FollowUpAsync(id)).Version;
        return await Run<CancelFollowUp>(u => u.RunAsync(new(id, seen), caller, CancellationToken.None));
    }

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
        var version = (await FollowUpAsync(id)).Version;
        Assert.IsType<Done<CompleteFollowUp.Completed>>(await Run<CompleteFollowUp>(u => u.RunAsync(new(id, version), Armin, CancellationToken.None)));

        var invalid = Assert.IsType<Invalid>(await Cancel(id, Laura));

        Assert.Equal([new FieldError("", "This follow-up is already done.")], invalid.Errors);
        Assert.Equal(FollowUpState.Done, (await FollowUpAsync(id)).State);
    }

    [Fact]
    public async Task A_page_older_than_an_edit_cancels_nothing_and_the_edit_stands()
    {
        var id = await ScheduledAsync(owner: Armin, by: Armin, note: "Call Jeremy");
        var seen = await FollowUpAsync(id);
        Assert.IsType<Done<EditFollowUp.Saved>>(await Run<EditFollowUp>(u => u.RunAsync(
            new(id, seen.Version, Armin.UserId, seen.DueAtUtc.AddDays(1), "Call Jeremy about the JIT"), Laura, CancellationToken.None)));

        var conflict = Assert.IsType<Conflict<FollowUpChanges.Current>>(await Cancel(id, Armin, seen.Version));

        var row = await FollowUpAsync(id);
        Assert.Equal((FollowUpState.Scheduled, "Call Jeremy about the JIT", seen.DueAtUtc.AddDays(1)), (row.State, row.Note, row.DueAtUtc));
        Assert.Equal(row.Version, conflict.Current.Version);
        Assert.DoesNotContain(await TimelineAsync(id), t => t.Kind == "followup.cancelled");
    }
}
