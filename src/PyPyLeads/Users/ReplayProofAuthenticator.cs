using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OtpNet;
using PyPyLeads.Data;

namespace PyPyLeads.Users;

/// <summary>
/// The time an authenticator app on a phone keeps: real time, whatever the app clock says (the tour clock lives in
/// 2011), as the sign-in cookies use. Tests may give another.
/// </summary>
public sealed record AuthenticatorClock(TimeProvider Time);

/// <summary>
/// Checks the codes of authenticator apps (TOTP, RFC 6238: six digits, 30-second steps, HMAC-SHA1, as every app makes
/// them) in place of Identity's own provider, which accepts two minutes either side and the same code again and again.
/// Here a code is accepted only from the current step or <see cref="TwoFactorPolicy.AllowedDriftSteps"/> either side,
/// and only once: the step it matched is claimed in the database (<see cref="AppUser.LastAuthenticatorTimeStep"/>) by a
/// conditional update, so a code, or an older one, used before (on any instance, even at the same moment) is refused.
/// </summary>
public sealed class ReplayProofAuthenticator(LeadsDbContext db, TwoFactorPolicy policy, AuthenticatorClock clock) : IUserTwoFactorTokenProvider<AppUser>
{
    public const int Digits = 6;
    public const int StepSeconds = 30;

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<AppUser> manager, AppUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    /// <summary>Nothing is sent: the app makes the codes.</summary>
    public Task<string> GenerateAsync(string purpose, UserManager<AppUser> manager, AppUser user) => Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<AppUser> manager, AppUser user)
    {
        var code = Normalise(token);
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (key is null || !IsCodeShaped(code))
        {
            return false;
        }
        var totp = new Totp(Base32Encoding.ToBytes(key), StepSeconds, OtpHashMode.Sha1, Digits);
        var window = new VerificationWindow(policy.AllowedDriftSteps, policy.AllowedDriftSteps);
        return totp.VerifyTotp(clock.Time.GetUtcNow().UtcDateTime, code, out var step, window) && await ClaimStepAsync(user, step);
    }

    /// <summary>What people type: the six digits, perhaps with a space in the middle as apps show them.</summary>
    public static string Normalise(string? typed) => new((typed ?? "").Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray());

    public static bool IsCodeShaped(string code) => code.Length == Digits && code.All(char.IsAsciiDigit);

    /// <summary>Marks <paramref name="step"/> used, unless it or a later one was used already; false then.</summary>
    private async Task<bool> ClaimStepAsync(AppUser user, long step)
    {
        // A new concurrency stamp with it: Identity's next save of this user from an older copy (another request, another
        // instance) fails instead of writing an older step back.
        var stamp = Guid.NewGuid().ToString();
        var claimed = await db.Users
            .Where(u => u.Id == user.Id && (u.LastAuthenticatorTimeStep == null || u.LastAuthenticatorTimeStep < step))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.LastAuthenticatorTimeStep, (long?)step).SetProperty(u => u.ConcurrencyStamp, stamp));
        if (claimed == 0)
        {
            return false;
        }
        // The copy this request holds says the same, so Identity's own save of it (lockout counts, the 2FA flag) keeps both.
        user.LastAuthenticatorTimeStep = step;
        user.ConcurrencyStamp = stamp;
        var entry = db.Entry(user);
        if (entry.State != EntityState.Detached)
        {
            entry.Property(u => u.LastAuthenticatorTimeStep).OriginalValue = step;
            entry.Property(u => u.ConcurrencyStamp).OriginalValue = stamp;
        }
        return true;
    }
}
