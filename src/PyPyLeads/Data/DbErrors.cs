using Microsoft.Data.Sqlite;

namespace PyPyLeads.Data;

public static class DbErrors
{
    /// <summary>
    /// True when a write failed on a unique index: someone else saved the same key first. SaveChanges wraps the
    /// provider's error in a DbUpdateException; ExecuteUpdate throws it as it is.
    /// </summary>
    public static bool IsUniqueViolation(Exception exception) => (exception.InnerException ?? exception) switch
    {
        // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY.
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        // Cannot insert duplicate key row (unique index) / violation of a unique constraint.
        Microsoft.Data.SqlClient.SqlException sql => sql.Number is 2601 or 2627,
        _ => false,
    } || exception is SqliteException { SqliteExtendedErrorCode: 2067 or 1555 } || exception is Microsoft.Data.SqlClient.SqlException { Number: 2601 or 2627 };

    /// <summary>
    /// True when a write failed because the database has no room left: SQLite's SQLITE_FULL (the disk is full, or the
    /// file reached its page limit), SQL Server's full filegroup or full transaction log, or the disk itself (ENOSPC).
    /// The failed transaction is rolled back whole; what was committed before stays.
    /// </summary>
    public static bool IsStorageFull(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SqliteException { SqliteErrorCode: 13 }: // SQLITE_FULL
                case Microsoft.Data.SqlClient.SqlException { Number: 1105 or 9002 }:
                case IOException { HResult: 28 or -2147024784 }: // ENOSPC on Unix, ERROR_DISK_FULL (0x80070070) on Windows
                    return true;
            }
        }
        return false;
    }
}
