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
}
