using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// A user opens one of their notifications: it is marked read, and they are taken where it points. Each user sees
/// and opens only their own; anyone else's is not found.
/// Returns <see cref="Done{T}"/> of <see cref="Opened"/> or <see cref="NotFound"/>.
/// </summary>
public sealed class OpenNotification(LeadsDbContext db, TimeProvider clock)
{
    public sealed record Input(long NotificationId);

    /// <param name="Url">Where the notification points, as it was written (the caller checks it is local before following it).</param>
    public sealed record Opened(long NotificationId, string Url);

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken) =>
        db.InTransactionAsync<Outcome>(async ct =>
        {
            var url = await db.Notifications.Where(n => n.Id == input.NotificationId && n.UserId == caller.UserId)
                .Select(n => n.Url).FirstOrDefaultAsync(ct);
            if (url is null)
            {
                return new NotFound("There is no such notification.");
            }
            await NotificationReads.MarkAsync(db.Notifications.Where(n => n.Id == input.NotificationId), clock, ct);
            return new Done<Opened>(new(input.NotificationId, url));
        }, cancellationToken);
}

internal static class NotificationReads
{
    /// <summary>Marks the unread ones among <paramref name="notifications"/> read now; returns how many.</summary>
    public static Task<int> MarkAsync(IQueryable<FollowUps.Notification> notifications, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return notifications.Where(n => n.ReadAtUtc == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAtUtc, now), cancellationToken);
    }
}
