using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Submissions;
using PyPyLeads.UseCases;

namespace PyPyLeads.Schedule;

/// <summary>
/// Create a calendar feed: a new secret address for the caller's own schedule; any earlier one stops working. Only
/// the token's hash is kept with the feed, so the token is in the answer and nowhere else, but for the answer kept
/// (protected) with the form's key for a repeat of the same submit. Every signed-in user has their own.
/// Returns <see cref="Done{T}"/> of <see cref="Created"/>.
/// </summary>
public sealed class CreateCalendarFeed(LeadsDbContext db, TimeProvider clock, SubmissionStore submissions)
{
    /// <param name="Token">The secret that goes in the feed's address.</param>
    public sealed record Created(string Token);

    /// <summary>Nothing to input but the form's one-time key: the feed is the caller's.</summary>
    /// <param name="SubmissionKey">Sent again (a double tap), it answers with the same address rather than replacing it.</param>
    public sealed record Input(string? SubmissionKey);

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        var once = Submission.By(caller, nameof(CreateCalendarFeed), input.SubmissionKey);
        return submissions.OnceAsync<Created>(once, () => submissions.InTransactionAsync<Created>(once, async ct =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            await RevokeCalendarFeed.RevokeAllAsync(db, caller.UserId, now, ct);
            var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            db.CalendarFeeds.Add(new CalendarFeed { UserId = caller.UserId, TokenHash = CalendarFeed.Hash(token), CreatedAtUtc = now });
            await db.SaveChangesAsync(ct);
            return new Done<Created>(new(token));
        }, cancellationToken), cancellationToken);
    }
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
