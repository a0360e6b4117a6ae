using System.Data.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Data;

namespace PyPyLeads.IntegrationTests;

/// <summary>
/// A client whose connection drops while the app saves what it sent (a phone in a hallway): the request is aborted, as
/// Kestrel aborts it, the moment the app first inserts into a given table.
/// </summary>
public sealed class DroppedConnection : DbCommandInterceptor
{
    private readonly string _insert;
    private IHttpContextAccessor? _http;
    private int _dropped;

    private DroppedConnection(string table) => _insert = $"INSERT INTO \"{table}\"";

    public bool Dropped => _dropped == 1;

    /// <summary>Configures <paramref name="app"/> (before its first client) to drop the connection at that insert.</summary>
    public static DroppedConnection OnFirstInsertInto(LeadsApp app, string table)
    {
        var drop = new DroppedConnection(table);
        app.WithServices(s =>
        {
            s.AddHttpContextAccessor();
            s.ConfigureDbContext<LeadsDbContext>((sp, o) =>
            {
                drop._http = sp.GetRequiredService<IHttpContextAccessor>();
                o.AddInterceptors(drop);
            });
        });
        return drop;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (command.CommandText.Contains(_insert, StringComparison.Ordinal) && _http?.HttpContext is { } context && Interlocked.Exchange(ref _dropped, 1) == 0)
        {
            context.Abort();
        }
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }
}
