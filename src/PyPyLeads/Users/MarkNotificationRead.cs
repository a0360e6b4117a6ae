using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// A user marks one of their notifications read (one already read stays as it was).
/// Returns <see cref="Done{T}"/> of <see cref="Marked"/> or <see cref="NotFound"/> for anyone else's.
/// </summary>
public sealed class MarkNotificationRead(LeadsDbContext db, TimeProvider clock)
{
    public sealed record Input(long NotificationId);

    public sealed record Marked(long NotificationId);

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken) =>
        db.InTransactionAsync<Outcome>(async ct =>
        {
            var mine = db.Notifications.Where(n => n.Id == input.NotificationId && n.UserId == caller.UserId);
            if (await NotificationReads.MarkAsync(mine, clock, ct) == 0 && !await mine.AnyAsync(ct))
            {
                return new NotFound("There is no such notification.");
            }
            return new Done<Marked>(new(input.NotificationId));
        }, cancellationToken);
}
