using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using PyPyLeads.Data;

namespace PyPyLeads.Migrations.Sqlite;

/// <summary>Lets `dotnet ef` build the context for the Sqlite provider without starting the web app.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<LeadsDbContext>
{
    public LeadsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<LeadsDbContext>().UseSqlite("Data Source=design-time.db", x => x.MigrationsAssembly(LeadsDbContext.SqliteMigrationsAssembly)).Options);
}
