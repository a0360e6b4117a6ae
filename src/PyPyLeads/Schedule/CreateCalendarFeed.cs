using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Schedule;

/// <summary>
/// Create a calendar feed: a new secret address for the caller's own schedule; any earlier one stops working. Only
/// the token's hash is kept, so the token is in the answer once and never again. Every signed-in user has their own.
/// Returns <see cref="Done{T}"/> of <see cref="Created"/>.
/// </summary>
public sealed class CreateCalendarFeed(LeadsDbContext db, TimeProvider clock)
{
    /// <param name="Token">The secret that goes in the feed's address.</param>
    public sealed record Created(string Token);

    /// <summary>Nothing to input: the feed is the caller's.</summary>
    public Task<Outcome> RunAsync(Caller caller, CancellationToken cancellationToken) =>
        db.InTransactionAsync<Outcome>(async ct =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            await RevokeCalendarFeed.RevokeAllAsync(db, caller.UserId, now, ct);
            var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            db.CalendarFeeds.Add(new CalendarFeed { UserId = caller.UserId, TokenHash = CalendarFeed.Hash(token), CreatedAtUtc = now });
            await db.SaveChangesAsync(ct);
            return new Done<Created>(new(token));
        }, cancellationToken);
}

/// <summary>
/// Revoke the caller's calendar feed: its address answers 404 from now on. Doing it twice does no harm.
/// Returns <see cref="Done{T}"/> of <see cref="Revoked"/>.
/// </summary>
public sealed class RevokeCalendarFeed(LeadsDbContext db, TimeProvider clock)
{
    /// <param name="Count">How many feeds were live (0 or 1).</param>
    public sealed record Revoked(int Count);

    /// <summary>Nothing to input: the feed is the caller's.</summary>
    public Task<Outcome> RunAsync(Caller caller, CancellationToken cancellationToken) =>
        db.InTransactionAsync<Outcome>(async ct =>
            new Done<Revoked>(new(await RevokeAllAsync(db, caller.UserId, clock.GetUtcNow().UtcDateTime, ct))), cancellationToken);

    internal static Task<int> RevokeAllAsync(LeadsDbContext db, string userId, DateTime nowUtc, CancellationToken cancellationToken) =>
        db.CalendarFeeds.Where(f => f.UserId == userId && f.RevokedAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.RevokedAtUtc, nowUtc), cancellationToken);
}
