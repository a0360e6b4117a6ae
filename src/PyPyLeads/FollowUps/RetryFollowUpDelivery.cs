using PyPyLeads.UseCases;

namespace PyPyLeads.FollowUps;

/// <summary>
/// Try a failed reminder e-mail again, now, from its first attempt (after "delivery failed"). Its owner, whoever
/// scheduled it, and admins (who see every failed delivery) may.
/// Returns <see cref="Done{T}"/> of <see cref="Retried"/>, <see cref="Invalid"/> (its delivery has not failed),
/// <see cref="NotFound"/>, <see cref="NotAllowed"/>, or <see cref="Conflict{T}"/> of <see cref="FollowUpChanges.Current"/>.
/// </summary>
public sealed class RetryFollowUpDelivery(FollowUpChanges changes, FollowUpScheduler scheduler)
{
    public sealed record Input(int FollowUpId);

    public sealed record Retried(int FollowUpId, string Message);

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken) =>
        changes.RunAsync(input.FollowUpId, version: null, caller, (followUp, _) =>
        {
            if (followUp.State != FollowUpState.Failed)
            {
                return Task.FromResult<Invalid?>(new Invalid("", "Only a follow-up whose delivery failed can be retried."));
            }
            scheduler.StageRetry(followUp, caller.Actor);
            return Task.FromResult<Invalid?>(null);
        }, f => new Done<Retried>(new(f.Id, "The reminder e-mail will be tried again now.")), cancellationToken);
}
