using System.Data.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace PyPyLeads.IntegrationTests.Deals;

/// <summary>
/// Counts the SQL commands EF Core runs for one test app, as a command interceptor added to that app's DbContext
/// (<c>ConfigureDbContext</c>). It used to listen on EF Core's DiagnosticListener, but EF stops raising command events
/// on a pooled context for a second after it last found nobody listening, and a parallel run once counted 0 commands
/// for a whole page. An interceptor is always called. Only commands run for an HTTP request count: the app's background
/// jobs (the minutely sweeps) share the interceptor, and one of theirs landing during the measured page counted as the
/// page's.
/// </summary>
public sealed class SqlCommandCounter : DbCommandInterceptor
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Reset() => Interlocked.Exchange(ref _count, 0);

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result) => Counted(eventData, result);

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
        CancellationToken cancellationToken = default) => ValueTask.FromResult(Counted(eventData, result));

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result) => Counted(eventData, result);

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result,
        CancellationToken cancellationToken = default) => ValueTask.FromResult(Counted(eventData, result));

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result) => Counted(eventData, result);

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result,
        CancellationToken cancellationToken = default) => ValueTask.FromResult(Counted(eventData, result));

    private T Counted<T>(CommandEventData eventData, T result)
    {
        if (InRequest(eventData.Context))
        {
            Interlocked.Increment(ref _count);
        }
        return result;
    }

    private static bool InRequest(DbContext? context) =>
        context?.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider
            ?.GetService<IHttpContextAccessor>()?.HttpContext is not null;
}
