using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// The second step of signing in, after the right password, for a user with two-factor sign-in: a current code from
/// their authenticator app (each accepted once, see <see cref="ReplayProofAuthenticator"/>), or one of their recovery
/// codes (each works once). A wrong code counts as a failed sign-in of the account from the client's address, and
/// guessing is slowed as for passwords (<see cref="SignInThrottle"/>), never by a lockout: whoever has the password but
/// not the phone must not be able to keep the owner out. The caller signs the user in on <see cref="Done{T}"/> of
/// <see cref="Passed"/>; otherwise <see cref="MustWait"/> (nothing was checked), <see cref="Invalid"/> beside
/// <see cref="Input.Code"/>, or <see cref="NotFound"/> for a user that is gone.
/// </summary>
public sealed class PassSecondFactor(UserManager<AppUser> users, SignInThrottle throttle, IValidator<PassSecondFactor.Input> validator, ILoggerFactory loggers)
{
    private readonly ILogger logger = loggers.CreateLogger(SecurityLog.Category);

    public sealed record Input(string? Code);

    /// <param name="RecoveryCodesLeft">After a recovery code was used; null when the app's code was.</param>
    public sealed record Passed(string UserId, int? RecoveryCodesLeft);

    /// <summary>Too many failed sign-ins of this account from this address: the code was not looked at, and the try is not counted.</summary>
    public sealed record MustWait(SignInWait Wait) : Outcome;

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator() =>
            RuleFor(x => x.Code).NotEmpty().WithMessage("Enter the code your app shows, or one of your recovery codes.").MaximumLength(40);
    }

    public const string WrongCode = "This code is not right, or it was used already. Enter the code your app shows now, or an unused recovery code.";

    public async Task<Outcome> RunAsync(Input input, string userId, string clientAddress, CancellationToken cancellationToken)
    {
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return new NotFound("There is no such user.");
        }
        // The account as the password step names it, its e-mail address: wrong passwords and wrong codes count together.
        var account = user.Email ?? user.Id;
        if (await throttle.WaitAsync(account, clientAddress, cancellationToken) is { } wait)
        {
            return new MustWait(wait);
        }
        var code = ReplayProofAuthenticator.Normalise(input.Code);
        if (ReplayProofAuthenticator.IsCodeShaped(code))
        {
            if (await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
            {
                await throttle.SucceededAsync(account, clientAddress, CancellationToken.None);
                return new Done<Passed>(new(user.Id, null));
            }
        }
        else if ((await users.RedeemTwoFactorRecoveryCodeAsync(user, RecoveryCodeAsStored(input.Code!))).Succeeded)
        {
            await throttle.SucceededAsync(account, clientAddress, CancellationToken.None);
            var left = await users.CountRecoveryCodesAsync(user);
            logger.LogWarning("Recovery code used by {User} from {ClientAddress}: {Left} left", user.Email, clientAddress, left);
            return new Done<Passed>(new(user.Id, left));
        }
        // Counted even if the client has gone: dropping the connection must not make a guess free.
        await throttle.FailedAsync(account, clientAddress, CancellationToken.None);
        logger.LogWarning("Second sign-in step failed for {User} from {ClientAddress}", user.Email, clientAddress);
        return new Invalid(nameof(Input.Code), WrongCode);
    }

    /// <summary>Identity's recovery codes are two groups of five capitals and digits joined by a dash; people drop the dash or type lower case.</summary>
    private static string RecoveryCodeAsStored(string typed)
    {
        var plain = new string(typed.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray());
        return plain.Length == 10 ? plain[..5] + "-" + plain[5..] : typed.Trim();
    }
}
