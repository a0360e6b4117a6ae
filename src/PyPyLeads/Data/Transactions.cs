using Microsoft.EntityFrameworkCore;

namespace PyPyLeads.Data;

public static class Transactions
{
    /// <summary>
    /// Runs <paramref name="work"/> in one transaction through the provider's execution strategy (SQL Server's
    /// retrying strategy refuses a bare BeginTransaction). A retried attempt starts from a clear change tracker.
    /// </summary>
    public static Task<T> InTransactionAsync<T>(this LeadsDbContext db, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var result = await work(ct);
            await transaction.CommitAsync(ct);
            return result;
        }, cancellationToken);
}
