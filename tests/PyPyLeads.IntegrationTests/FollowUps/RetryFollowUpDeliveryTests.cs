using Microsoft.EntityFrameworkCore;
using PyPyLeads.FollowUps;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>The retry-a-failed-reminder use case, called directly on a real SQLite file.</summary>
public sealed class RetryFollowUpDeliveryTests : FollowUpUseCaseTests
{
    private Task<Outcome> Retry(int id, Caller caller) =>
        Run<RetryFollowUpDelivery>(u => u.RunAsync(new(id), caller, CancellationToken.None));

    /// <summary>A follow-up whose every e-mail try failed.</summary>
    private async Task<int> FailedAsync(Caller owner)
    {
        var id = await ScheduledAsync(owner, owner);
        await Rig.DbAsync(db => db.FollowUps.Where(f => f.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(f => f.State, FollowUpState.Failed).SetProperty(f => f.AttemptCount, 4)
            .SetProperty(f => f.FailedAtUtc, Now).SetProperty(f => f.LastError, "550 No such mailbox")));
        return id;
    }

    [Fact]
    public async Task An_admin_retries_someone_else_s_failed_reminder_from_its_first_attempt_now()
    {
        var id = await FailedAsync(owner: Armin);
        Clock.Advance(TimeSpan.FromMinutes(30));

        var outcome = await Retry(id, Laura);

        Assert.Equal("The reminder e-mail will be tried again now.", Assert.IsType<Done<RetryFollowUpDelivery.Retried>>(outcome).Value.Message);
        var row = await FollowUpAsync(id);
        Assert.Equal((FollowUpState.Scheduled, 0, Now, (DateTime?)null), (row.State, row.AttemptCount, row.NextAttemptAtUtc, row.FailedAtUtc));
        var entry = (await TimelineAsync(id))[^1];
        Assert.Equal(("followup.retried", "Reminder e-mail retried by hand", "550 No such mailbox", "Laura Creighton"),
            (entry.Kind, entry.Summary, entry.Details, entry.ActorName));
    }

    [Fact]
    public async Task Its_owner_may_retry_it_too()
    {
        var id = await FailedAsync(owner: Armin);

        Assert.IsType<Done<RetryFollowUpDelivery.Retried>>(await Retry(id, Armin));
        Assert.Equal(FollowUpState.Scheduled, (await FollowUpAsync(id)).State);
    }

    [Fact]
    public async Task A_member_who_neither_owns_nor_scheduled_it_may_not_retry_it()
    {
        var id = await FailedAsync(owner: Armin);

        Assert.IsType<NotAllowed>(await Retry(id, Maciej));
        Assert.Equal(FollowUpState.Failed, (await FollowUpAsync(id)).State);
    }

    [Fact]
    public async Task Only_a_failed_delivery_can_be_retried()
    {
        var id = await ScheduledAsync(owner: Armin, by: Armin);

        var invalid = Assert.IsType<Invalid>(await Retry(id, Laura));

        Assert.Equal([new FieldError("", "Only a follow-up whose delivery failed can be retried.")], invalid.Errors);
        Assert.Equal(0, (await FollowUpAsync(id)).AttemptCount);
    }
}
