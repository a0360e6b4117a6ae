using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// A user confirms their authenticator app with a code it shows: two-factor sign-in is on from now, and they get
/// <see cref="RecoveryCodeCount"/> one-time recovery codes, shown this once (only their count is shown later). A code
/// that does not match the key from <see cref="StartAuthenticatorEnrolment"/>, or was used already, changes nothing.
/// Returns <see cref="Done{T}"/> of <see cref="Enabled"/>, <see cref="Invalid"/> (beside <see cref="Input.Code"/>),
/// <see cref="NotAllowed"/> when it is on already, or <see cref="NotFound"/>.
/// </summary>
public sealed class EnableTwoFactor(LeadsDbContext db, UserManager<AppUser> users, IValidator<EnableTwoFactor.Input> validator, ILoggerFactory loggers)
{
    public const int RecoveryCodeCount = 10;

    private readonly ILogger logger = loggers.CreateLogger(SecurityLog.Category);

    public sealed record Input(string? Code);

    public sealed record Enabled(IReadOnlyList<string> RecoveryCodes);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator() =>
            RuleFor(x => x.Code).Cascade(CascadeMode.Stop).NotEmpty().WithMessage("Enter the six-digit code your app shows.")
                .Must(c => ReplayProofAuthenticator.IsCodeShaped(ReplayProofAuthenticator.Normalise(c))).WithMessage("A code is six digits.");
    }

    public const string WrongCode = "This is not the code your app shows now. Check that the app has the key above and that your phone's clock is right, then try the next code.";

    public async Task<Outcome> RunAsync(Input input, Caller caller, string clientAddress, CancellationToken cancellationToken)
    {
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
            if (await users.GetTwoFactorEnabledAsync(user))
            {
                return new NotAllowed(StartAuthenticatorEnrolment.AlreadyOn);
            }
            if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, input.Code!))
            {
                logger.LogWarning("Two-factor enrolment code refused for {User} from {ClientAddress}", user.Email, clientAddress);
                return new Invalid(nameof(Input.Code), WrongCode);
            }
            IdentityRefusal.ThrowIfFailed(await users.SetTwoFactorEnabledAsync(user, true));
            var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))!.ToList();
            logger.LogInformation("Two-factor sign-in enabled for {User} from {ClientAddress}", user.Email, clientAddress);
            return new Done<Enabled>(new(codes));
        }, cancellationToken);
    }
}
