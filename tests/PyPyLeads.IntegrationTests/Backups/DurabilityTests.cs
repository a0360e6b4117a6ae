using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Companies;
using PyPyLeads.Data;

namespace PyPyLeads.IntegrationTests.Backups;

/// <summary>The SQLite settings the README promises, as the app's own connections see them.</summary>
public sealed class DurabilityTests : IDisposable
{
    private readonly LeadsApp _app = new();

    [Fact]
    public async Task The_app_s_connections_use_WAL_synchronous_FULL_and_a_busy_timeout()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        await db.Database.OpenConnectionAsync();
        Assert.Equal("wal", await Pragma(db, "journal_mode"));
        Assert.Equal("2", await Pragma(db, "synchronous")); // 2 = FULL
        Assert.Equal("30000", await Pragma(db, "busy_timeout"));
        Assert.Equal("1", await Pragma(db, "foreign_keys"));
    }

    [Fact]
    public async Task A_writer_that_finds_another_mid_transaction_waits_for_it_instead_of_failing()
    {
        _ = _app.Services;
        await using var first = _app.Services.CreateAsyncScope();
        var holder = first.ServiceProvider.GetRequiredService<LeadsDbContext>();
        await using var transaction = await holder.Database.BeginTransactionAsync(); // BEGIN IMMEDIATE: holds the write lock
        holder.Companies.Add(new Company { Name = "Google", NameKey = "google", CreatedAtUtc = new DateTime(2011, 3, 7, 19, 30, 0, DateTimeKind.Utc) });
        await holder.SaveChangesAsync();

        var waiting = Task.Run(async () =>
        {
            await using var second = _app.Services.CreateAsyncScope();
            var db = second.ServiceProvider.GetRequiredService<LeadsDbContext>();
            db.Companies.Add(new Company { Name = "Mozilla", NameKey = "mozilla", CreatedAtUtc = new DateTime(2011, 3, 7, 22, 30, 0, DateTimeKind.Utc) });
            await db.SaveChangesAsync();
        });
        await Task.Delay(500); // gives the second writer time to run into the lock
        await transaction.CommitAsync();
        await waiting; // would throw "database is locked" without a busy timeout

        await using var check = _app.Services.CreateAsyncScope();
        Assert.Equal(["Google", "Mozilla"], await check.ServiceProvider.GetRequiredService<LeadsDbContext>().Companies.OrderBy(c => c.Name).Select(c => c.Name).ToListAsync());
    }

    [Fact]
    public async Task A_write_transaction_left_without_commit_lets_the_next_writer_in_once_its_request_ends()
    {
        _ = _app.Services;
        await using (var request = _app.Services.CreateAsyncScope())
        {
            var db = request.ServiceProvider.GetRequiredService<LeadsDbContext>();
            await db.Database.OpenConnectionAsync(); // as every page request does (OneConnectionPerRequest)
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                db.Companies.Add(new Company { Name = "Lost", NameKey = "lost", CreatedAtUtc = new DateTime(2011, 3, 7, 19, 30, 0, DateTimeKind.Utc) });
                await db.SaveChangesAsync();
                // no commit: an exception left the block; SQLite rolls back, no EF transaction event is raised
            }
        } // the request's context goes back to the pool and its connection closes

        // Were the write gate's turn lost, this would wait 30 s and fail.
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var next = _app.Services.CreateAsyncScope();
        var writer = next.ServiceProvider.GetRequiredService<LeadsDbContext>();
        await writer.InTransactionAsync(ct =>
        {
            writer.Companies.Add(new Company { Name = "Mozilla", NameKey = "mozilla", CreatedAtUtc = new DateTime(2011, 3, 7, 22, 30, 0, DateTimeKind.Utc) });
            return writer.SaveChangesAsync(ct);
        }, cancel.Token);

        Assert.Equal(["Mozilla"], await writer.Companies.Select(c => c.Name).ToListAsync());
    }

    [Fact]
    public async Task Twenty_concurrent_write_transactions_all_commit()
    {
        _ = _app.Services;
        await Task.WhenAll(Enumerable.Range(1, 20).Select(i => Task.Run(async () =>
        {
            await using var scope = _app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
            await db.InTransactionAsync(async ct =>
            {
                db.Companies.Add(new Company { Name = $"Company {i:D2}", NameKey = $"company {i:D2}", CreatedAtUtc = new DateTime(2011, 3, 7, 19, 30, 0, DateTimeKind.Utc) });
                return await db.SaveChangesAsync(ct);
            });
        })));

        await using var check = _app.Services.CreateAsyncScope();
        Assert.Equal(20, await check.ServiceProvider.GetRequiredService<LeadsDbContext>().Companies.CountAsync());
    }

    [Fact]
    public async Task Writers_that_wait_get_their_turns_in_the_order_they_came()
    {
        _ = _app.Services;
        var scopes = Enumerable.Range(0, 6).Select(_ => _app.Services.CreateAsyncScope()).ToList();
        try
        {
            var contexts = scopes.Select(s => s.ServiceProvider.GetRequiredService<LeadsDbContext>()).ToList();
            foreach (var db in contexts)
            {
                await db.Database.OpenConnectionAsync(); // as every request does; the waiters then go straight to the gate
            }
            var holder = contexts[0];
            await using var held = await holder.Database.BeginTransactionAsync();

            // Five writers come 50 ms apart and wait longer than the gate's 100 ms recheck; each notes its turn.
            var turns = new System.Collections.Concurrent.ConcurrentQueue<int>();
            var writers = new List<Task>();
            for (var i = 1; i <= 5; i++)
            {
                var (db, n) = (contexts[i], i);
                writers.Add(Task.Run(async () =>
                {
                    await using var transaction = await db.Database.BeginTransactionAsync();
                    turns.Enqueue(n);
                    db.Companies.Add(new Company { Name = $"Writer {n}", NameKey = $"writer {n}", CreatedAtUtc = new DateTime(2011, 3, 7, 19, 30, 0, DateTimeKind.Utc) });
                    await db.SaveChangesAsync();
                    await transaction.CommitAsync();
                }));
                await Task.Delay(50);
            }
            await Task.Delay(150);
            await held.CommitAsync();
            await Task.WhenAll(writers);

            Assert.Equal([1, 2, 3, 4, 5], turns.ToArray());
        }
        finally
        {
            foreach (var scope in scopes)
            {
                await scope.DisposeAsync();
            }
        }
    }

    private static async Task<string> Pragma(LeadsDbContext db, string name)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    public void Dispose()
    {
        _app.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
