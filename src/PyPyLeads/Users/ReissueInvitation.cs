using Microsoft.AspNetCore.Identity;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// A fresh invitation link for someone who lost theirs; any earlier link stops working once a password is set.
/// Only admins re-issue. Returns <see cref="Done{T}"/> of <see cref="InviteUser.Invitation"/>, <see cref="NotFound"/>
/// or <see cref="NotAllowed"/>.
/// </summary>
public sealed class ReissueInvitation(UserManager<AppUser> users)
{
    public sealed record Input(string UserId);

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin)
        {
            return new NotAllowed("Only admins give out invitation links.");
        }
        // Nothing is written: the token is signed, not stored.
        var user = await users.FindByIdAsync(input.UserId);
        if (user is null)
        {
            return new NotFound("There is no such user.");
        }
        if (user.IsDisabled)
        {
            return new NotAllowed($"{user.DisplayName} is disabled: enable them first.");
        }
        return new Done<InviteUser.Invitation>(new(user.Id, user.DisplayName, user.Email!, await users.GeneratePasswordResetTokenAsync(user)));
    }
}
