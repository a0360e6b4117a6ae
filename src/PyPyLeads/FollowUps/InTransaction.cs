using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;

namespace PyPyLeads.FollowUps;

internal static class InTransaction
{
    /// <summary>
    /// Runs <paramref name="work"/> in a transaction under the provider's execution strategy: SQL Server's retrying
    /// strategy refuses a transaction opened outside it, and retries the whole unit on a transient error.
    /// </summary>
    public static Task<T> RunAsync<T>(LeadsDbContext db, Func<Task<T>> work, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var result = await work();
            await transaction.CommitAsync(ct);
            return result;
        }, cancellationToken);
}
