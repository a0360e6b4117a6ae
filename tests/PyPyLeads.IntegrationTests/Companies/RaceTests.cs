using System.Data.Common;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Data;
using static PyPyLeads.IntegrationTests.Companies.CompanyTestKit;

namespace PyPyLeads.IntegrationTests.Companies;

/// <summary>
/// The moment between "no such company yet" and the insert, made to happen every time: just before the save's
/// transaction starts, another connection saves the same company. The unique index refuses the second one and
/// the form says so, offering the company that got there first.
/// </summary>
public sealed class RaceTests : IDisposable
{
    private readonly LeadsApp _app = NewApp();
    private readonly SaveFirstElsewhere _interceptor = new();

    [Fact]
    public async Task When_the_unique_key_fires_the_form_shows_a_friendly_message_and_the_company_saved_meanwhile()
    {
        using var app = _app.WithWebHostBuilder(b => b.ConfigureServices(s => s.ConfigureDbContext<LeadsDbContext>(o => o.AddInterceptors(_interceptor))));
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await People.SetUpAsync(client);
        var page = await client.GetPageAsync("/log-contact");

        _interceptor.Armed = true;
        var response = await client.SubmitAsync(page, "/log-contact", [F("CompanyName", "Raceco Inc."), F("PersonName", "Someone")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var shown = await response.ReadPageAsync();
        Assert.Contains("Someone else saved “Raceco” a moment ago", shown.QuerySelector("[data-testid=race-message]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Raceco", shown.QuerySelector("[data-testid=company-match]")!.TextContent, StringComparison.Ordinal);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        Assert.Equal(1, await db.Companies.CountAsync());
        Assert.Equal(0, await db.People.CountAsync());
        Assert.Equal(0, await db.Encounters.CountAsync());
    }

    private sealed class SaveFirstElsewhere : DbTransactionInterceptor
    {
        public bool Armed { get; set; }

        public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
            InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            if (Armed)
            {
                Armed = false;
                await using var other = new SqliteConnection(connection.ConnectionString);
                await other.OpenAsync(cancellationToken);
                await using var insert = other.CreateCommand();
                insert.CommandText = "INSERT INTO Companies (Name, NameKey, Source, CreatedAtUtc, Version) VALUES ('Raceco', 'raceco', 'Other', '2011-03-04 02:00:00', 0)";
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            return result;
        }
    }

    public void Dispose() => _app.Dispose();
}
