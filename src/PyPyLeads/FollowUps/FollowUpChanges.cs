using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Timeline;
using PyPyLeads.UseCases;

namespace PyPyLeads.FollowUps;

/// <summary>
/// What every change to an existing follow-up shares (done, cancel, snooze, retry, edit): load it, check who may
/// change it, stage the change and save it in one transaction, answer someone else's change in between with a
/// conflict, and after the commit put its Hangfire job in step.
/// </summary>
public sealed class FollowUpChanges(LeadsDbContext db, FollowUpScheduler scheduler)
{
    public const string ChangedMeanwhile = "Someone else changed this follow-up a moment ago. Here it is as it stands now.";

    /// <summary>The follow-up as it stands after someone else's change.</summary>
    public sealed record Current(int Id, long Version, FollowUpState State);

    /// <param name="version">The version the caller saw, when it must still be current (an edit form); null to change the follow-up as it is.</param>
    /// <param name="stage">Checks the rules that need the follow-up and stages the change on it; an <see cref="Invalid"/> refuses it, nothing saved.</param>
    /// <param name="done">What to answer once the change is committed.</param>
    internal async Task<Outcome> RunAsync(int followUpId, long? version, Caller caller, Func<FollowUp, CancellationToken, Task<Invalid?>> stage,
        Func<FollowUp, Outcome> done, CancellationToken cancellationToken, string conflict = ChangedMeanwhile)
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
                // The caller changed the version they saw: the save below is refused if someone changed it since.
                db.Entry(followUp).Property(f => f.Version).OriginalValue = seen;
            }
            var before = (followUp.State, followUp.NextAttemptAtUtc, followUp.Round);
            if (await stage(followUp, ct) is { } invalid)
            {
                return invalid;
            }
            if (await db.SaveUnlessChangedAsync(async ct =>
                {
                    var now = await db.FollowUps.AsNoTracking().FirstAsync(f => f.Id == followUpId, ct);
                    return new Conflict<Current>(new(now.Id, now.Version, now.State), conflict);
                }, ct) is { } stale)
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

    /// <summary>Closes an open follow-up (done or cancelled) with <paramref name="close"/>; a closed one is refused as it is.</summary>
    internal Task<Outcome> CloseAsync(int followUpId, Caller caller, Action<FollowUp, Actor> close, Func<FollowUp, Outcome> done, CancellationToken cancellationToken) =>
        RunAsync(followUpId, version: null, caller, (followUp, _) =>
        {
            if (!followUp.IsOpen)
            {
                return Task.FromResult<Invalid?>(new Invalid("", FollowUpRules.Already(followUp)));
            }
            close(followUp, caller.Actor);
            return Task.FromResult<Invalid?>(null);
        }, done, cancellationToken);
}
