using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Timeline;
using PyPyLeads.UseCases;

namespace PyPyLeads.FollowUps;

/// <summary>
/// What every change to an existing follow-up shares (done, cancel, snooze, retry, edit): load it, check who may
/// change it, refuse it when the caller's page is older than the follow-up (its version), stage the change and save it
/// in one transaction, answer someone else's change in between with a conflict, and after the commit put its Hangfire
/// job in step. Delivering a reminder does not move the version (it is not a change the caller could have missed). A
/// follow-up closed or moved to a new due time has its unread reminder notifications marked read with it, so the bell
/// counts what the lists show.
/// </summary>
public sealed class FollowUpChanges(LeadsDbContext db, FollowUpScheduler scheduler, TimeProvider clock)
{
    public const string ChangedMeanwhile = "Someone else changed this follow-up while you were looking, so nothing was changed. Here it is as it stands now.";

    /// <summary>The follow-up as it stands after someone else's change.</summary>
    public sealed record Current(int Id, long Version, FollowUpState State);

    /// <param name="version">The version the caller saw (the page's form carries it); null only to change the follow-up as it is (a retry by an admin).</param>
    /// <param name="stage">Checks the rules that need the follow-up and stages the change on it; an <see cref="Invalid"/> refuses it, nothing saved.</param>
    /// <param name="done">What to answer once the change is committed.</param>
    internal async Task<Outcome> RunAsync(int followUpId, long? version, Caller caller, Func<FollowUp, CancellationToken, Task<Invalid?>> stage,
        Func<FollowUp, Outcome> done, CancellationToken cancellationToken, string? conflict = null)
    {
        FollowUp? moved = null;
        var outcome = await db.InTransactionAsync<Outcome>(async ct =>
        {
            var followUp = await db.FollowUps.FirstOrDefaultAsync(f => f.Id == followUpId, ct);
            if (followUp is null)
            {
                return new NotFound("That follow-up does not exist.");
            }
            var company = await db.Companies.Where(c => c.Id == followUp.CompanyId).Select(c => new { c.Name, c.ConsultancyId }).FirstAsync(ct);
            if (caller.Refusal(followUp, company.Name, company.ConsultancyId) is { } refused)
            {
                return refused;
            }
            if (version is { } seen)
            {
                if (followUp.Version != seen)
                {
                    return Stale(followUp, conflict);
                }
                // Another instance may still save between this read and the save below, which its version then refuses.
                db.Entry(followUp).Property(f => f.Version).OriginalValue = seen;
            }
            var before = (followUp.State, followUp.NextAttemptAtUtc, followUp.Round);
            if (await stage(followUp, ct) is { } invalid)
            {
                return invalid;
            }
            if ((!followUp.IsOpen && followUp.State != before.State) || followUp.Round != before.Round)
            {
                // Done, cancelled, or moved to a new due time: its reminder asks nothing more, so the bell stops counting it.
                var now = clock.GetUtcNow().UtcDateTime;
                foreach (var reminder in await db.Notifications.Where(n => n.FollowUpId == followUp.Id && n.ReadAtUtc == null).ToListAsync(ct))
                {
                    reminder.ReadAtUtc = now;
                }
            }
            if (await db.SaveUnlessChangedAsync(async ct => Stale(await db.FollowUps.AsNoTracking().FirstAsync(f => f.Id == followUpId, ct), conflict), ct) is { } stale)
            {
                return stale;
            }
            // A new state or a new round (a new due time) needs its job moved, deleted or made.
            moved = (followUp.State, followUp.NextAttemptAtUtc, followUp.Round) != before ? followUp : null;
            return done(followUp);
        }, cancellationToken);
        if (moved is not null)
        {
            await scheduler.ScheduleJobAsync(moved, cancellationToken);
        }
        return outcome;
    }

    /// <summary>
    /// The follow-up as it stands, and why nothing was changed: <paramref name="conflict"/>, or by default
    /// <see cref="ChangedMeanwhile"/> and, when someone closed it, that it is closed now.
    /// </summary>
    private static Conflict<Current> Stale(FollowUp now, string? conflict) => new(new(now.Id, now.Version, now.State),
        conflict ?? (now.IsOpen ? ChangedMeanwhile : ChangedMeanwhile + " " + FollowUpRules.Already(now)));

    /// <summary>Closes an open follow-up (done or cancelled) with <paramref name="close"/>, from the version the caller saw; a closed one is refused as it is.</summary>
    internal Task<Outcome> CloseAsync(int followUpId, long version, Caller caller, Action<FollowUp, Actor> close, Func<FollowUp, Outcome> done, CancellationToken cancellationToken) =>
        RunAsync(followUpId, version, caller, (followUp, _) =>
        {
            if (!followUp.IsOpen)
            {
                return Task.FromResult<Invalid?>(new Invalid("", FollowUpRules.Already(followUp)));
            }
            close(followUp, caller.Actor);
            return Task.FromResult<Invalid?>(null);
        }, done, cancellationToken);
}
