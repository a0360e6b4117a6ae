using PyPyLeads.UseCases;

namespace PyPyLeads.FollowUps;

/// <summary>
/// Cancel a follow-up: it will not remind anyone. Its owner, whoever scheduled it, and admins may.
/// Returns <see cref="Done{T}"/> of <see cref="Cancelled"/>, <see cref="Invalid"/> (already done or cancelled),
/// <see cref="NotFound"/>, <see cref="NotAllowed"/>, or <see cref="Conflict{T}"/> of <see cref="FollowUpChanges.Current"/> when it changed since the caller's page was shown.
/// </summary>
public sealed class CancelFollowUp(FollowUpChanges changes, FollowUpScheduler scheduler)
{
    /// <param name="Version">The follow-up's version the caller saw: a stale page changes nothing.</param>
    public sealed record Input(int FollowUpId, long Version);

    public sealed record Cancelled(int FollowUpId, string Message);

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken) =>
        changes.CloseAsync(input.FollowUpId, input.Version, caller, scheduler.StageCancel, f => new Done<Cancelled>(new(f.Id, "Follow-up cancelled.")), cancellationToken);
}
