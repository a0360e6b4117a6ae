using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Users;

namespace PyPyLeads.AccessTokens;

/// <summary>
/// The check of a presented token, on every API request: it must be known (by its hash), not revoked, not expired,
/// and its user must still be allowed to use tokens (<see cref="UserMayUseTokens"/>). Each instance looks it up in
/// the database, so a revocation holds everywhere at once.
/// </summary>
public sealed class AccessTokenCheck(LeadsDbContext db, TimeProvider clock)
{
    /// <summary>How often a token's last use is written: a busy client would otherwise write on every request.</summary>
    public static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    /// <summary>The token's holder as the API acts for them.</summary>
    public sealed record Holder(int TokenId, string UserId, string Email, string DisplayName, bool IsAdmin, AccessTokenScope Scope);

    /// <summary>
    /// The one place that says whether a user's tokens work: only a user who can sign in (an invitation accepted, so a
    /// password set, and not disabled: a disabled user's tokens stop on their next request).
    /// </summary>
    public static bool UserMayUseTokens(AppUser user) => user.PasswordHash is not null && !user.IsDisabled;

    /// <summary>The holder of <paramref name="secret"/>, or null when it does not (or no longer) work.</summary>
    public async Task<Holder?> HolderAsync(string secret, CancellationToken cancellationToken)
    {
        if (!AccessTokenSecrets.LooksLikeSecret(secret))
        {
            return null;
        }
        var hash = AccessTokenSecrets.Hash(secret);
        var now = clock.GetUtcNow().UtcDateTime;
        var found = await db.AccessTokens.AsNoTracking().Where(t => t.SecretHash == hash).Select(t => new { Token = t, t.User }).SingleOrDefaultAsync(cancellationToken);
        if (found?.User is not { } user || found.Token.RevokedAtUtc is not null || found.Token.ExpiresAtUtc <= now || !UserMayUseTokens(user))
        {
            return null;
        }
        var token = found.Token;
        if (token.LastUsedAtUtc is not { } last || now - last >= LastUseResolution)
        {
            var id = token.Id;
            await db.AccessTokens.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAtUtc, now), cancellationToken);
        }
        var isAdmin = await (from ur in db.UserRoles
                             join r in db.Roles on ur.RoleId equals r.Id
                             where ur.UserId == user.Id && r.Name == Roles.Admin
                             select ur).AnyAsync(cancellationToken);
        return new Holder(token.Id, user.Id, user.Email ?? "", user.DisplayName, isAdmin, token.Scope);
    }
}
