using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using PyPyLeads.Data;

namespace PyPyLeads.Migrations.SqlServer;

/// <summary>Lets `dotnet ef` build the context for the SqlServer provider without starting the web app.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<LeadsDbContext>
{
    public LeadsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<LeadsDbContext>().UseSqlServer("Server=(local);Database=PyPyLeads;Trusted_Connection=True;TrustServerCertificate=True", x => x.MigrationsAssembly(LeadsDbContext.SqlServerMigrationsAssembly)).Options);
}
