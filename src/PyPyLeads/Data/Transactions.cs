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

    /// <summary>
    /// Saves the changes of a use case that has checked the caller's version on reading. Another writer (another
    /// instance) can still save between that read and this write; the row's version then refuses the update, and
    /// <paramref name="stale"/> answers with the record as it stands now, read afresh. Null when saved.
    /// </summary>
    public static async Task<UseCases.Outcome?> SaveUnlessChangedAsync(this LeadsDbContext db, Func<CancellationToken, Task<UseCases.Outcome>> stale,
        CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return await stale(cancellationToken);
        }
    }
}
