using System.Data;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace PyPyLeads.Web.Infrastructure;

#pragma warning disable EF1001 // SqliteRelationalConnection is EF's provider-facing type; KeptOpenConnectionTests pin the behaviour on upgrades.

/// <summary>
/// A pooled context's SQLite connection, left open while the context waits in the pool. Each time EF opened it again,
/// Microsoft.Data.Sqlite took a handle from its own pool and registered EF's seven SQL functions on it anew, and our
/// interceptor ran the connection pragmas: about a tenth of the dashboard's CPU, for a handle that was already set up.
/// The connection stays open only when it is idle (no transaction, no statement mid-read), so it holds no lock and no
/// WAL snapshot; otherwise it closes as before, and disposing the context (pool full, app stopping) always closes it.
/// </summary>
public sealed class KeptOpenSqliteConnection(RelationalConnectionDependencies dependencies, IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger) : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    /// <summary>
    /// Pooled contexts, and so SQLite connections kept open (each with its own page cache, up to 2 MB). Two cores serve
    /// a few requests at a time; after a burst, contexts beyond this are disposed and their connections go back to
    /// Microsoft.Data.Sqlite's pool, which closes idle ones.
    /// </summary>
    public const int PoolSize = 32;

    public static void Use(DbContextOptionsBuilder options) => options.ReplaceService<ISqliteRelationalConnection, KeptOpenSqliteConnection>();

    protected override void CloseDbConnection()
    {
        if (!IsIdle(DbConnection))
        {
            base.CloseDbConnection();
        }
    }

    protected override Task CloseDbConnectionAsync() => IsIdle(DbConnection) ? Task.CompletedTask : base.CloseDbConnectionAsync();

    /// <summary>Open, outside any transaction (autocommit), and with no read or write under way on the handle.</summary>
    public static bool IsIdle(System.Data.Common.DbConnection connection) =>
        connection is SqliteConnection { State: ConnectionState.Open, Handle: { } handle }
        && SQLitePCL.raw.sqlite3_get_autocommit(handle) != 0
        && TransactionState(handle.DangerousGetHandle(), IntPtr.Zero) == NoTransaction;

    private const int NoTransaction = 0; // SQLITE_TXN_NONE

    // sqlite3_txn_state (SQLite 3.34) is not wrapped by SQLitePCLRaw; the bundled e_sqlite3 library has it.
    [DllImport("e_sqlite3", EntryPoint = "sqlite3_txn_state")]
    private static extern int TransactionState(IntPtr db, IntPtr schema);
}
