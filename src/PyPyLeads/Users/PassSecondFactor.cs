using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// The second step of signing in, after the right password, for a user with two-factor sign-in: a current code from
/// their authenticator app (each accepted once, see <see cref="ReplayProofAuthenticator"/>), or one of their recovery
/// codes (each works once). A wrong code counts as a failed sign-in. The caller signs the user in on
/// <see cref="Done{T}"/> of <see cref="Passed"/>; otherwise <see cref="Invalid"/> beside <see cref="Input.Code"/>, or
/// <see cref="NotFound"/> for a user that is gone.
/// </summary>
public sealed class PassSecondFactor(UserManager<AppUser> users, IValidator<PassSecondFactor.Input> validator, ILoggerFactory loggers)
{
    private readonly ILogger logger = loggers.CreateLogger(SecurityLog.Category);

    public sealed record Input(string? Code);

    /// <param name="RecoveryCodesLeft">After a recovery code was used; null when the app's code was.</param>
    public sealed record Passed(string UserId, int? RecoveryCodesLeft);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator() =>
            RuleFor(x => x.Code).NotEmpty().WithMessage("Enter the code your app shows, or one of your recovery codes.").MaximumLength(40);
    }

    public const string WrongCode = "This code is not right, or it was used already. Enter the code your app shows now, or an unused recovery code.";

    public const string LockedOut = "Too many wrong codes: wait a few minutes, then try again.";

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
        if (await users.IsLockedOutAsync(user))
        {
            logger.LogWarning("Second sign-in step refused to locked-out {User} from {ClientAddress}", user.Email, clientAddress);
            return new Invalid(nameof(Input.Code), LockedOut);
        }
        var code = ReplayProofAuthenticator.Normalise(input.Code);
        if (ReplayProofAuthenticator.IsCodeShaped(code))
        {
            if (await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
            {
                await users.ResetAccessFailedCountAsync(user);
                return new Done<Passed>(new(user.Id, null));
            }
        }
        else if ((await users.RedeemTwoFactorRecoveryCodeAsync(user, RecoveryCodeAsStored(input.Code!))).Succeeded)
        {
            await users.ResetAccessFailedCountAsync(user);
            var left = await users.CountRecoveryCodesAsync(user);
            logger.LogWarning("Recovery code used by {User} from {ClientAddress}: {Left} left", user.Email, clientAddress, left);
            return new Done<Passed>(new(user.Id, left));
        }
        await users.AccessFailedAsync(user);
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
