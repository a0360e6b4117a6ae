using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PyPyLeads.IntegrationTests.Deals;

/// <summary>
/// Counts the SQL commands EF Core runs for one test app, as a command interceptor added to that app's DbContext
/// (<c>ConfigureDbContext</c>). It used to listen on EF Core's DiagnosticListener, but EF stops raising command events
/// on a pooled context for a second after it last found nobody listening, and a parallel run once counted 0 commands
/// for a whole page. An interceptor is always called.
/// </summary>
public sealed class SqlCommandCounter : DbCommandInterceptor
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Reset() => Interlocked.Exchange(ref _count, 0);

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result) => Counted(result);

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
        CancellationToken cancellationToken = default) => ValueTask.FromResult(Counted(result));

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result) => Counted(result);

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result,
        CancellationToken cancellationToken = default) => ValueTask.FromResult(Counted(result));

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result) => Counted(result);

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result,
        CancellationToken cancellationToken = default) => ValueTask.FromResult(Counted(result));

    private T Counted<T>(T result)
    {
        Interlocked.Increment(ref _count);
        return result;
    }
}
