using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// An admin disables someone who left: they can no longer sign in or accept an invitation, every session of theirs
/// ends at once (on every instance), and nothing they made is deleted; their open follow-ups are listed for an admin to
/// hand over (<see cref="ReassignFollowUp"/>). Only admins disable, never themselves, never the last active admin.
/// Returns <see cref="Done{T}"/> of <see cref="Disabled"/>, <see cref="NotFound"/> or <see cref="NotAllowed"/>.
/// The input is an id, so there is no validator.
/// </summary>
public sealed class DisableUser(LeadsDbContext db, UserManager<AppUser> users, Sessions sessions, SecurityEvents events, TimeProvider clock)
{
    public sealed record Input(string UserId);

    /// <param name="OpenFollowUps">Their follow-ups still to do, to hand to someone else.</param>
    public sealed record Disabled(string UserId, int SessionsEnded, int OpenFollowUps, string Message);

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin)
        {
            return new NotAllowed("Only admins disable users.");
        }
        if (input.UserId == caller.UserId)
        {
            return new NotAllowed("You cannot disable yourself: ask another admin.");
        }
        return await db.InTransactionAsync<Outcome>(async ct =>
        {
            var user = await users.FindByIdAsync(input.UserId);
            if (user is null)
            {
                return new NotFound("There is no such user.");
            }
            var open = await db.FollowUps.Open().CountAsync(f => f.OwnerUserId == user.Id, ct);
            if (user.IsDisabled)
            {
                return new Done<Disabled>(new(user.Id, 0, open, $"Nothing changed: {user.DisplayName} is disabled already."));
            }
            if (await users.IsInRoleAsync(user, Roles.Admin) && await ActiveAdminsAsync(db, ct) <= 1)
            {
                return new NotAllowed($"{user.DisplayName} is the last active admin: make someone else an admin first.");
            }
            user.DisabledAtUtc = clock.GetUtcNow().UtcDateTime;
            // A new stamp too, so anything Identity signed for them before (a reset link) stops working.
            IdentityRefusal.ThrowIfFailed(await users.UpdateSecurityStampAsync(user));
            var ended = await sessions.EndAllAsync(user.Id, SessionEnd.UserDisabled, except: null, ct);
            events.Write(SecurityEvent.UserDisabled, user.Email, caller.ClientAddress, $"by {caller.Name}; {ended} session(s) ended");
            return new Done<Disabled>(new(user.Id, ended, open, open == 0
                ? $"{user.DisplayName} is disabled and signed out everywhere."
                : $"{user.DisplayName} is disabled and signed out everywhere. Hand over their {open} open follow-up{(open == 1 ? "" : "s")}."));
        }, cancellationToken);
    }

    /// <summary>Admins who are not disabled.</summary>
    internal static Task<int> ActiveAdminsAsync(LeadsDbContext db, CancellationToken cancellationToken) =>
        (from ur in db.UserRoles
         join r in db.Roles on ur.RoleId equals r.Id
         join u in db.Users on ur.UserId equals u.Id
         where r.Name == Roles.Admin && u.DisabledAtUtc == null
         select u.Id).CountAsync(cancellationToken);
}
