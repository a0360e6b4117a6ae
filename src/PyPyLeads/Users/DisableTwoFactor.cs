using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// A user turns two-factor sign-in off, proving it is them with a current code from their app or their password (a
/// session left open on a shared computer is not enough). The app's key and the recovery codes stop working; adding an
/// app again makes a new key. Refused to those who must have it (<see cref="TwoFactorPolicy"/>).
/// Returns <see cref="Done{T}"/> of <see cref="Disabled"/>, <see cref="Invalid"/>, <see cref="NotAllowed"/> or <see cref="NotFound"/>.
/// </summary>
public sealed class DisableTwoFactor(LeadsDbContext db, UserManager<AppUser> users, TwoFactorPolicy policy, IValidator<DisableTwoFactor.Input> validator,
    ILoggerFactory loggers)
{
    private readonly ILogger logger = loggers.CreateLogger(SecurityLog.Category);

    public sealed record Input(string? Code, string? Password);

    public sealed record Disabled(string Message);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator()
        {
            RuleFor(x => x.Code).NotEmpty().WithMessage("Enter the code your app shows now, or your password below.").When(x => string.IsNullOrEmpty(x.Password));
            RuleFor(x => x.Code).MaximumLength(20);
            RuleFor(x => x.Password).MaximumLength(512);
        }
    }

    public const string Required = "Two-factor sign-in is required for your account here, so it cannot be turned off.";

    public const string NotProven = "Neither the code nor the password is right.";

    public async Task<Outcome> RunAsync(Input input, Caller caller, string clientAddress, CancellationToken cancellationToken)
    {
        if (policy.Requires(caller.IsAdmin))
        {
            return new NotAllowed(Required);
        }
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        return await db.InTransactionAsync<Outcome>(async ct =>
        {
            var user = await users.FindByIdAsync(caller.UserId);
            if (user is null)
            {
                return new NotFound("There is no such user.");
            }
            if (!await users.GetTwoFactorEnabledAsync(user))
            {
                return new Done<Disabled>(new("Nothing changed: two-factor sign-in was off."));
            }
            var proven = !string.IsNullOrEmpty(input.Code)
                ? await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, input.Code)
                : await users.CheckPasswordAsync(user, input.Password!);
            if (!proven)
            {
                logger.LogWarning("Turning off two-factor sign-in refused for {User} from {ClientAddress}: wrong {Proof}", user.Email, clientAddress,
                    string.IsNullOrEmpty(input.Code) ? "password" : "code");
                return new Invalid(string.IsNullOrEmpty(input.Code) ? nameof(Input.Password) : nameof(Input.Code), NotProven);
            }
            IdentityRefusal.ThrowIfFailed(await users.SetTwoFactorEnabledAsync(user, false));
            // A new key unknown to any app, and no recovery codes: nothing of the old second factor opens anything.
            IdentityRefusal.ThrowIfFailed(await users.ResetAuthenticatorKeyAsync(user));
            await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 0);
            logger.LogInformation("Two-factor sign-in disabled for {User} from {ClientAddress}", user.Email, clientAddress);
            return new Done<Disabled>(new("Two-factor sign-in is off. Remove PyPyLeads from your authenticator app; its codes no longer work."));
        }, cancellationToken);
    }
}
