using System.Data.Common;
using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.IntegrationTests;

/// <summary>
/// A pooled context keeps its SQLite connection open between requests (KeptOpenSqliteConnection), but only an idle
/// one: a connection in a transaction or mid-read would hold a lock or a WAL snapshot while it waits in the pool.
/// </summary>
public sealed class KeptOpenConnectionTests : IDisposable
{
    private readonly LeadsApp _app = new();
    private readonly OpenCounter _opens = new();

    public KeptOpenConnectionTests() => _app.WithServices(s => s.ConfigureDbContext<LeadsDbContext>(o => o.AddInterceptors(_opens)));

    [Fact]
    public async Task Pages_reuse_the_pooled_contexts_open_connections_and_see_every_commit()
    {
        var client = _app.Client();
        await People.SetUpAsync(client);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/companies")).StatusCode);
        }

        _opens.Reset();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(i % 2 == 0 ? "/companies" : "/")).StatusCode);
        }
        // One physical open per request before; now none, bar a context the app's background jobs took meanwhile.
        Assert.InRange(_opens.Count, 0, 2);

        // A connection that stayed open starts a fresh read at each request: a change committed elsewhere shows at once.
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
            db.Companies.Add(new Company { Name = "Before Inc.", NameKey = "before inc.", CreatedAtUtc = new DateTime(2011, 3, 3, 2, 0, 0, DateTimeKind.Utc) });
            await db.SaveChangesAsync();
        }
        for (var i = 0; i < 4; i++)
        {
            Assert.Contains("Before Inc.", await client.GetStringAsync("/companies"), StringComparison.Ordinal);
        }
        await using (var elsewhere = new SqliteConnection($"Data Source={_app.DatabasePath}"))
        {
            await elsewhere.OpenAsync();
            await using var rename = elsewhere.CreateCommand();
            rename.CommandText = "UPDATE \"Companies\" SET \"Name\" = 'After Inc.' WHERE \"NameKey\" = 'before inc.'";
            Assert.Equal(1, await rename.ExecuteNonQueryAsync());
        }
        for (var i = 0; i < 4; i++)
        {
            var page = await client.GetStringAsync("/companies");
            Assert.Contains("After Inc.", page, StringComparison.Ordinal);
            Assert.DoesNotContain("Before Inc.", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Only_an_idle_connection_counts_as_idle()
    {
        using (var setUp = _app.Client())
        {
            await People.SetUpAsync(setUp);
        }
        await using var connection = new SqliteConnection($"Data Source={_app.DatabasePath}");
        Assert.False(KeptOpenSqliteConnection.IsIdle(connection)); // closed
        await connection.OpenAsync();
        Assert.True(KeptOpenSqliteConnection.IsIdle(connection));

        await using (var transaction = connection.BeginTransaction(deferred: true))
        {
            Assert.False(KeptOpenSqliteConnection.IsIdle(connection)); // BEGIN, nothing read yet
        }
        Assert.True(KeptOpenSqliteConnection.IsIdle(connection));

        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT \"Id\" FROM \"Consultancies\"";
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.False(KeptOpenSqliteConnection.IsIdle(connection)); // a read under way holds a snapshot
        }
        Assert.True(KeptOpenSqliteConnection.IsIdle(connection));
    }

    public void Dispose() => _app.Dispose();

    /// <summary>Physical opens of the app's connections (EF raises ConnectionOpened only when it opened one).</summary>
    private sealed class OpenCounter : DbConnectionInterceptor
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Reset() => Interlocked.Exchange(ref _count, 0);

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Interlocked.Increment(ref _count);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return Task.CompletedTask;
        }
    }
}
