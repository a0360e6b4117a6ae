using Microsoft.AspNetCore.Identity;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// A user starts adding an authenticator app: the shared key their app needs (made now if they have none, kept
/// across visits until they confirm it with <see cref="EnableTwoFactor"/>). Each user enrols only themselves.
/// Returns <see cref="Done{T}"/> of <see cref="Enrolment"/>, <see cref="NotAllowed"/> when two-factor sign-in is on
/// already (turn it off first, so a second app cannot be added behind the owner's back), or <see cref="NotFound"/>.
/// </summary>
public sealed class StartAuthenticatorEnrolment(UserManager<AppUser> users)
{
    public const string Issuer = "PyPyLeads";

    /// <param name="SharedKey">The key in groups of four, as people type it into an app.</param>
    /// <param name="AuthenticatorUri">The <c>otpauth://</c> address the QR code holds.</param>
    /// <param name="KeyIsNew">A key was made now: it changed the user's security stamp, so the caller renews the sign-in.</param>
    public sealed record Enrolment(string SharedKey, string AuthenticatorUri, bool KeyIsNew);

    public const string AlreadyOn = "Two-factor sign-in is on already. To use another app, turn it off, then add the new app.";

    public async Task<Outcome> RunAsync(Caller caller, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(caller.UserId);
        if (user is null)
        {
            return new NotFound("There is no such user.");
        }
        if (await users.GetTwoFactorEnabledAsync(user))
        {
            return new NotAllowed(AlreadyOn);
        }
        var key = await users.GetAuthenticatorKeyAsync(user);
        var isNew = string.IsNullOrEmpty(key);
        if (isNew)
        {
            IdentityRefusal.ThrowIfFailed(await users.ResetAuthenticatorKeyAsync(user));
            key = await users.GetAuthenticatorKeyAsync(user);
        }
        return new Done<Enrolment>(new(Grouped(key!), UriFor(user.Email!, key!), isNew));
    }

    /// <summary>"abcd efgh ...": lower case in fours, easier to read and type than one run of 32 capitals.</summary>
    public static string Grouped(string key) =>
        string.Join(' ', key.ToLowerInvariant().Chunk(4).Select(c => new string(c)));

    /// <summary>The Key Uri Format the apps read from a QR code.</summary>
    public static string UriFor(string email, string key) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(email)}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}" +
        $"&digits={ReplayProofAuthenticator.Digits}&period={ReplayProofAuthenticator.StepSeconds}";
}
