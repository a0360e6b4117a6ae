using FluentValidation;
using Microsoft.AspNetCore.Identity;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// A new user chooses their password through the link an admin gave them (anyone holding the link may: the token is
/// the permission). Their e-mail address counts as confirmed from then on. A disabled user's link is refused, and any
/// session of the user ends (a re-issued link resets a forgotten password).
/// Returns <see cref="Done{T}"/> of <see cref="Accepted"/> or <see cref="Invalid"/> (a wrong or used link is an
/// error of the whole form, field "").
/// </summary>
public sealed class AcceptInvitation(LeadsDbContext db, UserManager<AppUser> users, Sessions sessions, IValidator<AcceptInvitation.Input> validator)
{
    public sealed record Input(string? UserId, string? Token, string? Password);

    public sealed record Accepted(string UserId, string Email);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator()
        {
            RuleFor(x => x.UserId).NotEmpty().MaximumLength(450);
            RuleFor(x => x.Token).NotEmpty().MaximumLength(2000);
            RuleFor(x => x.Password).Password();
        }
    }

    public async Task<Outcome> RunAsync(Input input, CancellationToken cancellationToken)
    {
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        try
        {
            return await db.InTransactionAsync<Outcome>(async ct =>
            {
                var user = await users.FindByIdAsync(input.UserId!);
                if (user is null)
                {
                    return new Invalid("", "This invitation link is not valid.");
                }
                if (user.IsDisabled)
                {
                    return new Invalid("", "This account is disabled: ask an admin.");
                }
                // Saved with the password, by the same update.
                user.EmailConfirmed = true;
                IdentityRefusal.ThrowIfFailed(await users.ResetPasswordAsync(user, input.Token!, input.Password!), e => new FieldError(
                    e.Code.StartsWith("Password", StringComparison.Ordinal) ? nameof(Input.Password) : "",
                    e.Code == "InvalidToken" ? "This invitation link is not valid or has expired; ask an admin for a new one." : e.Description));
                // A link re-issued to someone who had a password is a reset: whoever held the old password is signed out.
                await sessions.EndAllAsync(user.Id, SessionEnd.PasswordReset, except: null, ct);
                return new Done<Accepted>(new(user.Id, user.Email!));
            }, cancellationToken);
        }
        catch (IdentityRefusal refusal)
        {
            return refusal.Invalid;
        }
    }
}
