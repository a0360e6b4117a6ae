using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// An admin hands a disabled user's open follow-up to someone active, as it stands (same due time and note): an
/// <see cref="EditFollowUp"/> of the owner only, so its rules apply (the new owner must be an active user, the version
/// the admin saw must still be current). Only admins. Returns what <see cref="EditFollowUp"/> returns, or
/// <see cref="NotAllowed"/>.
/// </summary>
public sealed class ReassignFollowUp(LeadsDbContext db, EditFollowUp editFollowUp)
{
    public sealed record Input(int FollowUpId, long Version, string? OwnerUserId);

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin)
        {
            return new NotAllowed("Only admins hand over someone else's follow-ups.");
        }
        var followUp = await db.FollowUps.AsNoTracking().Where(f => f.Id == input.FollowUpId)
            .Select(f => new { f.DueAtUtc, f.Note }).FirstOrDefaultAsync(cancellationToken);
        if (followUp is null)
        {
            return new NotFound("That follow-up does not exist.");
        }
        // The due time and note read here are checked against the version by the edit: a change in between is its conflict.
        return await editFollowUp.RunAsync(new EditFollowUp.Input(input.FollowUpId, input.Version, input.OwnerUserId, followUp.DueAtUtc, followUp.Note),
            caller, cancellationToken);
    }
}
