using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>A user marks all their notifications read. Returns <see cref="Done{T}"/> of <see cref="Marked"/> (how many were unread).</summary>
public sealed class MarkAllNotificationsRead(LeadsDbContext db, TimeProvider clock)
{
    public sealed record Marked(int Count);

    public Task<Outcome> RunAsync(Caller caller, CancellationToken cancellationToken) =>
        db.InTransactionAsync<Outcome>(async ct =>
            new Done<Marked>(new(await NotificationReads.MarkAsync(db.Notifications.Where(n => n.UserId == caller.UserId), clock, ct))),
            cancellationToken);
}
