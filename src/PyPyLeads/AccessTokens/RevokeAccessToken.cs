using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.AccessTokens;

/// <summary>
/// Revoke a personal access token: it stops working at once, on every instance (each request looks it up). Its user
/// revokes their own; admins revoke anyone's. Revoking a revoked token changes nothing and says so.
/// Returns <see cref="Done{T}"/> of <see cref="Revoked"/>, or <see cref="NotFound"/> (also for someone else's token,
/// to a member: they do not see it).
/// </summary>
public sealed class RevokeAccessToken(LeadsDbContext db, TimeProvider clock, ILogger<RevokeAccessToken> logger)
{
    public sealed record Input(int TokenId);

    public sealed record Revoked(int TokenId, string Message);

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken) =>
        db.InTransactionAsync<Outcome>(async ct =>
        {
            var token = await db.AccessTokens.SingleOrDefaultAsync(t => t.Id == input.TokenId, ct);
            if (token is null || (token.UserId != caller.UserId && !caller.IsAdmin))
            {
                return new NotFound("There is no such token.");
            }
            if (token.RevokedAtUtc is not null)
            {
                return new Done<Revoked>(new(token.Id, $"Token “{token.Name}” was already revoked."));
            }
            token.RevokedAtUtc = clock.GetUtcNow().UtcDateTime;
            token.RevokedByUserId = caller.UserId;
            await db.SaveChangesAsync(ct);
            logger.LogInformation("{User} revoked access token {TokenId} ({Name}) of user {Owner}", caller.Name, token.Id, token.Name, token.UserId);
            return new Done<Revoked>(new(token.Id, $"Token “{token.Name}” revoked: it no longer works."));
        }, cancellationToken);
}
