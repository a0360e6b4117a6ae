using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace PyPyLeads.Data;

public static class DbErrors
{
    /// <summary>True when a save failed on a unique index: someone else saved the same key first.</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY.
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        // Cannot insert duplicate key row (unique index) / violation of a unique constraint.
        Microsoft.Data.SqlClient.SqlException sql => sql.Number is 2601 or 2627,
        _ => false,
    };
}
