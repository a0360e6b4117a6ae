using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace PyPyLeads.Users;

/// <summary>
/// A sign-in with an e-mail address nobody has (or a user who has not set a password yet) still checks the password,
/// against a decoy hash made by the app's own hasher at the same cost (210,000 PBKDF2 iterations): the answer then
/// takes about as long as for a real account, so timing does not tell which accounts exist.
/// </summary>
public sealed class DecoyPassword
{
    private static readonly AppUser Nobody = new() { DisplayName = "" };
    private string? _hash;

    /// <summary>The decoy's hash; made, of a random password, by the first check.</summary>
    public string? Hash => _hash;

    /// <summary>Checks <paramref name="password"/> against the decoy with <paramref name="hasher"/> (the one real accounts are checked with). Never matches.</summary>
    public void Check(IPasswordHasher<AppUser> hasher, string password)
    {
        var hash = LazyInitializer.EnsureInitialized(ref _hash, () => hasher.HashPassword(Nobody, RandomNumberGenerator.GetHexString(32)));
        hasher.VerifyHashedPassword(Nobody, hash, password);
    }
}
