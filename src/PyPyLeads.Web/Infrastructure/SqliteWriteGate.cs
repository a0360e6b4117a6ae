using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PyPyLeads.Web.Infrastructure;

/// <summary>
/// Queues the app's write transactions on one SQLite file in the process, before they ask SQLite for its write lock.
/// Without it, concurrent writers met the lock inside SQLite's busy handler, which sleeps 1, 2, 5 … then 100 ms between
/// tries: a writer slept on long after the lock had freed, and a handful of concurrent form posts pushed the
/// benchmark's POST p99 past 100 ms while each transaction held the lock for a few. Here a writer awaits its turn
/// (no thread blocked) and starts the moment the previous one commits. SQLite's busy_timeout still covers writers
/// outside the gate (autocommit statements, the backup, another process).
/// </summary>
public sealed class SqliteWriteGate
{
    /// <summary>As long as busy_timeout: a writer that waits longer fails with "database is locked", as before.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // One gate per database file: every context (requests, Hangfire jobs, the reconciler) on that file shares it.
    private static readonly ConcurrentDictionary<string, SqliteWriteGate> Gates = new(StringComparer.Ordinal);

    // How often, while writers wait, the gate checks that the holder's transaction has not ended unseen.
    private static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(100);

    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Lock _sync = new();
    private Guid? _holder; // EF's id of the connection holding the turn
    private DbTransaction? _holderTransaction; // null between taking the turn and BEGIN's end
    private long _heldSince;
    private int _waiting;
    private Timer? _watch; // runs only while someone waits

    public static SqliteWriteGate For(string connectionString) =>
        Gates.GetOrAdd(Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource), _ => new SqliteWriteGate());

    // Waiters stay in the semaphore's queue, so turns go in the order writers came. They used to wake every 100 ms to
    // look for a lost turn and queue again at the back: with a few hundred form posts waiting, the waking alone took
    // the core, and a writer could lose its place again and again (the benchmark's POST p99 reached seconds).
    private async ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        if (_turn.Wait(0))
        {
            return;
        }
        Watch(1);
        try
        {
            if (!await _turn.WaitAsync(Timeout, cancellationToken))
            {
                throw TimedOut();
            }
        }
        finally
        {
            Watch(-1);
        }
    }

    private void Enter()
    {
        if (_turn.Wait(0))
        {
            return;
        }
        Watch(1);
        try
        {
            if (!_turn.Wait(Timeout))
            {
                throw TimedOut();
            }
        }
        finally
        {
            Watch(-1);
        }
    }

    private static TimeoutException TimedOut() => new($"Another write held the database for more than {Timeout.TotalSeconds:F0} s.");

    /// <summary>One timer per gate, not one wake-up per waiter: it looks for a lost turn while anyone waits.</summary>
    private void Watch(int waiters)
    {
        lock (_sync)
        {
            _waiting += waiters;
            if (_waiting == 1 && waiters > 0)
            {
                _watch ??= new Timer(static gate => ((SqliteWriteGate)gate!).TakeBackLostTurn(), this, System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan);
                _watch.Change(Recheck, Recheck);
            }
            else if (_waiting == 0)
            {
                _watch?.Change(System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void Hold(Guid connection)
    {
        lock (_sync)
        {
            _holder = connection;
            _holderTransaction = null;
            _heldSince = Stopwatch.GetTimestamp();
        }
    }

    private void Begun(Guid connection, DbTransaction transaction)
    {
        lock (_sync)
        {
            if (_holder == connection)
            {
                _holderTransaction = transaction;
            }
        }
    }

    /// <summary>Gives the turn back if <paramref name="connection"/> holds it; a second call for the same end does nothing.</summary>
    private void Leave(Guid connection)
    {
        lock (_sync)
        {
            if (_holder != connection)
            {
                return;
            }
            _holder = null;
            _holderTransaction = null;
        }
        _turn.Release();
    }

    /// <summary>
    /// Two ends raise no EF event, and the watch finds either and takes the turn back. A transaction disposed without
    /// commit or rollback (an exception inside <c>await using</c>): SQLite rolls it back and the transaction forgets
    /// its connection. A BEGIN that failed: no transaction ever came, and SQLite's own wait for BEGIN is over.
    /// </summary>
    private void TakeBackLostTurn()
    {
        lock (_sync)
        {
            var ended = _holderTransaction is { Connection: null };
            var beginFailed = _holder is not null && _holderTransaction is null && Stopwatch.GetElapsedTime(_heldSince) > Timeout + Recheck * 20;
            if (!ended && !beginFailed)
            {
                return;
            }
            _holder = null;
            _holderTransaction = null;
        }
        _turn.Release();
    }

    /// <summary>
    /// The EF side: the turn is taken before BEGIN and given back at commit, rollback or failure. Other interceptors'
    /// TransactionStarting (a test's rival insert) still run before BEGIN, outside SQLite's write lock.
    /// </summary>
    public sealed class Transactions(SqliteWriteGate gate) : DbTransactionInterceptor
    {
        public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
        {
            gate.Enter();
            gate.Hold(eventData.ConnectionId);
            return result;
        }

        public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
            InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            await gate.EnterAsync(cancellationToken);
            gate.Hold(eventData.ConnectionId);
            return result;
        }

        public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
        {
            gate.Begun(eventData.ConnectionId, result);
            return result;
        }

        public override ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
        {
            gate.Begun(eventData.ConnectionId, result);
            return ValueTask.FromResult(result);
        }

        public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => gate.Leave(eventData.ConnectionId);

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            gate.Leave(eventData.ConnectionId);
            return Task.CompletedTask;
        }

        public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => gate.Leave(eventData.ConnectionId);

        public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            gate.Leave(eventData.ConnectionId);
            return Task.CompletedTask;
        }

        public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => gate.Leave(eventData.ConnectionId);

        public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
        {
            gate.Leave(eventData.ConnectionId);
            return Task.CompletedTask;
        }
    }

    /// <summary>A connection closed mid-transaction ends the transaction: its turn comes back.</summary>
    public sealed class Connections(SqliteWriteGate gate) : DbConnectionInterceptor
    {
        public override InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
            Leave(eventData, result);

        public override ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
            ValueTask.FromResult(Leave(eventData, result));

        public override InterceptionResult ConnectionDisposing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
            Leave(eventData, result);

        public override ValueTask<InterceptionResult> ConnectionDisposingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
            ValueTask.FromResult(Leave(eventData, result));

        private InterceptionResult Leave(ConnectionEventData eventData, InterceptionResult result)
        {
            gate.Leave(eventData.ConnectionId);
            return result;
        }
    }
}
