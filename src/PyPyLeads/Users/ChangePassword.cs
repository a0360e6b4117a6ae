using FluentValidation;
using Microsoft.AspNetCore.Identity;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// A signed-in user changes their own password, giving the current one. Every session of theirs ends with it, this
/// one included: the page signs this browser in again with a new session, so a cookie copied before the change opens
/// nothing after it. Returns <see cref="Done{T}"/> of <see cref="Changed"/>, <see cref="Invalid"/> (a wrong current
/// password beside <see cref="Input.CurrentPassword"/>) or <see cref="NotFound"/> when the caller's user is gone.
/// </summary>
public sealed class ChangePassword(LeadsDbContext db, UserManager<AppUser> users, Sessions sessions, SecurityEvents events,
    IValidator<ChangePassword.Input> validator)
{
    public sealed record Input(string? CurrentPassword, string? NewPassword);

    /// <param name="OtherSessionsEnded">Sessions ended besides the caller's own.</param>
    public sealed record Changed(int OtherSessionsEnded, string Message);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator()
        {
            RuleFor(x => x.CurrentPassword).NotEmpty().WithMessage("Enter your current password.").MaximumLength(512);
            RuleFor(x => x.NewPassword).Password();
            RuleFor(x => x.NewPassword).NotEqual(x => x.CurrentPassword).WithMessage("Choose a password different from the current one.")
                .When(x => !string.IsNullOrEmpty(x.CurrentPassword));
        }
    }

    /// <param name="currentSessionId">The caller's own session, not counted among the others ended.</param>
    public async Task<Outcome> RunAsync(Input input, Caller caller, string? currentSessionId, CancellationToken cancellationToken)
    {
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        try
        {
            return await db.InTransactionAsync<Outcome>(async ct =>
            {
                var user = await users.FindByIdAsync(caller.UserId);
                if (user is null)
                {
                    return new NotFound("There is no such user.");
                }
                IdentityRefusal.ThrowIfFailed(await users.ChangePasswordAsync(user, input.CurrentPassword!, input.NewPassword!), e => e.Code == "PasswordMismatch"
                    ? new FieldError(nameof(Input.CurrentPassword), "This is not your current password.")
                    : new FieldError(e.Code.StartsWith("Password", StringComparison.Ordinal) ? nameof(Input.NewPassword) : "", e.Description));
                var ended = await sessions.EndAllAsync(user.Id, SessionEnd.PasswordChanged, except: null, ct);
                var others = currentSessionId is null ? ended : Math.Max(0, ended - 1);
                events.Write(SecurityEvent.PasswordChanged, user.Email, caller.ClientAddress, $"{others} other session(s) ended");
                return new Done<Changed>(new(others, others == 0
                    ? "Your password is changed."
                    : $"Your password is changed, and you are signed out of your {others} other session{(others == 1 ? "" : "s")}."));
            }, cancellationToken);
        }
        catch (IdentityRefusal refusal)
        {
            return refusal.Invalid;
        }
    }
}
