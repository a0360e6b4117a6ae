using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using PyPyLeads.Data;

namespace PyPyLeads.IntegrationTests;

/// <summary>Each provider's migrations are in step with the model; SQLite's run, SQL Server's parse.</summary>
public sealed class MigrationsTests
{
    private static LeadsDbContext SqlServerContext() => new(new DbContextOptionsBuilder<LeadsDbContext>()
        .UseSqlServer("Server=unused;Database=PyPyLeads", x => x.MigrationsAssembly(LeadsDbContext.SqlServerMigrationsAssembly)).Options);

    private static LeadsDbContext SqliteContext(string path) => new(new DbContextOptionsBuilder<LeadsDbContext>()
        .UseSqlite($"Data Source={path}", x => x.MigrationsAssembly(LeadsDbContext.SqliteMigrationsAssembly)).Options);

    [Fact]
    public void Sqlite_migrations_match_the_model()
    {
        using var db = SqliteContext(Path.Combine(Path.GetTempPath(), "unused.db"));
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed: run migrations/add-migration.sh");
    }

    [Fact]
    public void SqlServer_migrations_match_the_model()
    {
        using var db = SqlServerContext();
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed: run migrations/add-migration.sh");
    }

    [Fact]
    public async Task Sqlite_migrations_build_an_empty_file_into_the_seeded_schema()
    {
        var path = Path.Combine(Path.GetTempPath(), $"pypyleads-migrate-{Guid.NewGuid():N}.db");
        try
        {
            await using (var db = SqliteContext(path))
            {
                await db.Database.MigrateAsync();
                Assert.Empty(await db.Database.GetPendingMigrationsAsync());
                Assert.Equal(8, await db.TourStops.CountAsync());
                Assert.Equal(6, await db.TeamMembers.CountAsync());
                Assert.Equal(["Open End", "merlinux"], await db.Consultancies.OrderBy(c => c.Id).Select(c => c.Name).ToListAsync());
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Fact]
    public void SqlServer_idempotent_script_parses_with_the_TSql_parser()
    {
        using var db = SqlServerContext();
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        Assert.Contains("CREATE TABLE [TourStops]", script, StringComparison.Ordinal);

        var parser = new TSql170Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(script);
        parser.Parse(reader, out var errors);
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors.Select(e => $"line {e.Line}: {e.Message}")));
    }
}
