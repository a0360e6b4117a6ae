using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// A user with two-factor sign-in gets <see cref="EnableTwoFactor.RecoveryCodeCount"/> new recovery codes, shown this
/// once; the old ones stop working. Returns <see cref="Done{T}"/> of <see cref="EnableTwoFactor.Enabled"/> (the codes),
/// <see cref="NotAllowed"/> when two-factor sign-in is off, or <see cref="NotFound"/>. The input is the caller alone.
/// </summary>
public sealed class NewRecoveryCodes(LeadsDbContext db, UserManager<AppUser> users, ILoggerFactory loggers)
{
    private readonly ILogger logger = loggers.CreateLogger(SecurityLog.Category);

    public Task<Outcome> RunAsync(Caller caller, string clientAddress, CancellationToken cancellationToken) =>
        db.InTransactionAsync<Outcome>(async ct =>
        {
            var user = await users.FindByIdAsync(caller.UserId);
            if (user is null)
            {
                return new NotFound("There is no such user.");
            }
            if (!await users.GetTwoFactorEnabledAsync(user))
            {
                return new NotAllowed("Recovery codes come with two-factor sign-in: add an authenticator app first.");
            }
            var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, EnableTwoFactor.RecoveryCodeCount))!.ToList();
            logger.LogInformation("New recovery codes made for {User} from {ClientAddress}", user.Email, clientAddress);
            return new Done<EnableTwoFactor.Enabled>(new(codes));
        }, cancellationToken);
}
