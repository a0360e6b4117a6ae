using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using PyPyLeads.Data;
using PyPyLeads.Migrations.Sqlite.CompiledModel;

namespace PyPyLeads.IntegrationTests;

/// <summary>
/// The app runs SQLite on a model compiled ahead of time (start-up speed). It must describe exactly the model the
/// configurations build; when it does not, migrations/add-migration.sh regenerates it.
/// </summary>
public sealed class CompiledModelTests
{
    [Fact]
    public void The_compiled_Sqlite_model_matches_the_model_the_configurations_build()
    {
        using var built = new LeadsDbContext(new DbContextOptionsBuilder<LeadsDbContext>()
            .UseSqlite("Data Source=unused.db", x => x.MigrationsAssembly(LeadsDbContext.SqliteMigrationsAssembly)).Options);
        using var compiled = new LeadsDbContext(new DbContextOptionsBuilder<LeadsDbContext>()
            .UseSqlite("Data Source=unused.db", x => x.MigrationsAssembly(LeadsDbContext.SqliteMigrationsAssembly))
            .UseModel(LeadsDbContextModel.Instance).Options);

        var expected = built.Model.ToDebugString(MetadataDebugStringOptions.LongDefault);
        var actual = compiled.Model.ToDebugString(MetadataDebugStringOptions.LongDefault);

        Assert.True(expected == actual, "The model changed: run migrations/add-migration.sh <Name> (or, for a change that needs no migration, " +
            "migrations/compile-model.sh) to regenerate migrations/PyPyLeads.Migrations.Sqlite/CompiledModel.\n" + FirstDifference(expected, actual));
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var left = i < e.Length ? e[i] : "(end)";
            var right = i < a.Length ? a[i] : "(end)";
            if (left != right)
            {
                return $"First difference at line {i + 1}:\n  built:    {left.Trim()}\n  compiled: {right.Trim()}";
            }
        }
        return "";
    }
}

/// <summary>Start-up reads the migrations history and migrates only when something is pending: both ways must work.</summary>
public sealed class StartupMigrationTests
{
    [Fact]
    public async Task A_database_left_at_an_older_migration_is_brought_up_to_date_and_a_current_one_is_left_as_it_is()
    {
        using var app = new LeadsApp();
        var options = new DbContextOptionsBuilder<LeadsDbContext>()
            .UseSqlite($"Data Source={app.DatabasePath}", x => x.MigrationsAssembly(LeadsDbContext.SqliteMigrationsAssembly)).Options;
        string[] all;
        await using (var db = new LeadsDbContext(options))
        {
            all = [.. db.Database.GetMigrations()];
            await db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().MigrateAsync(all[1]);
            Assert.Equal(all.Skip(2), await db.Database.GetPendingMigrationsAsync());
        }

        using var client = app.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        await using (var db = new LeadsDbContext(options))
        {
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(all, await db.Database.GetAppliedMigrationsAsync());
            Assert.Equal(8, await db.TourStops.CountAsync());
        }

        // A second start on the now current database (beside the first, as a second instance would) changes nothing and serves.
        using var again = new LeadsApp().With("Data:Directory", app.DataDirectory);
        using var client2 = again.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client2.GetAsync("/health")).StatusCode);
        await using (var db = new LeadsDbContext(options))
        {
            Assert.Equal(all, await db.Database.GetAppliedMigrationsAsync());
        }
    }
}
