using System.Diagnostics.CodeAnalysis;

namespace PyPyLeads.Data;

/// <summary>
/// The last value this app instance derived from the data, with the key it holds for (a <see cref="ChangeStamp"/>'s
/// version and whatever else the value depends on). One entry, replaced when asked for another key. Register one
/// subclass per use as a singleton.
/// </summary>
public abstract class LastValueCache<TKey, TValue> where TKey : IEquatable<TKey>
{
    private sealed record Entry(TKey Key, TValue Value);

    private volatile Entry? _last;
    private readonly Lock _computing = new();
    private (TKey Key, TaskCompletionSource<TValue> Completion)? _pending;

    public bool TryGet(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        if (_last is { } entry && entry.Key.Equals(key))
        {
            value = entry.Value;
            return true;
        }
        value = default;
        return false;
    }

    public void Set(TKey key, TValue value) => _last = new Entry(key, value);

    /// <summary>The last value, whatever key it holds for.</summary>
    public bool TryGetLast([MaybeNullWhen(false)] out TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        if (_last is { } entry)
        {
            (key, value) = (entry.Key, entry.Value);
            return true;
        }
        (key, value) = (default, default);
        return false;
    }

    /// <summary>
    /// Starts computing <paramref name="key"/>'s value in the background, unless that is already under way (a second
    /// caller racing the first joins its computation); the result becomes the last value. The task is null when nothing
    /// was started. The caller does not wait: it serves an older value meanwhile.
    /// </summary>
    public Task<TValue>? StartRefresh(TKey key, Func<Task<TValue>> compute)
    {
        lock (_computing)
        {
            if (_pending is { } pending && pending.Key.Equals(key))
            {
                return null;
            }
        }
        // On a thread of its own, waited for there: SQLite's "async" calls complete synchronously, so on the caller's thread
        // the caller would run the whole of it, and on the thread pool it would hold one of the very few workers of a
        // one-core host for its whole run while pages queue behind it.
        return Task.Factory.StartNew(() => GetOrComputeAsync(key, compute, CancellationToken.None).GetAwaiter().GetResult(),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>
    /// The value for <paramref name="key"/>: the last one if it holds, else computed by <paramref name="compute"/> once,
    /// however many requests ask meanwhile; they wait for that one result. Without this, every request that came while
    /// the key was new (a minute turning, a deal saved) computed the same value again, side by side on one core.
    /// <paramref name="compute"/> should not depend on the first caller's cancellation: others wait for its result.
    /// </summary>
    public async Task<TValue> GetOrComputeAsync(TKey key, Func<Task<TValue>> compute, CancellationToken cancellationToken)
    {
        if (TryGet(key, out var value))
        {
            return value;
        }
        Task<TValue>? theirs = null;
        TaskCompletionSource<TValue>? mine = null;
        lock (_computing)
        {
            if (TryGet(key, out value))
            {
                return value;
            }
            if (_pending is { } pending && pending.Key.Equals(key))
            {
                theirs = pending.Completion.Task;
            }
            else
            {
                mine = new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously);
                _pending = (key, mine);
            }
        }
        if (theirs is not null)
        {
            return await theirs.WaitAsync(cancellationToken);
        }
        try
        {
            var fresh = await compute();
            Set(key, fresh);
            mine!.SetResult(fresh);
            return fresh;
        }
        catch (Exception e)
        {
            mine!.SetException(e);
            _ = mine.Task.Exception; // observed here: the waiters, if any, get it too
            throw;
        }
        finally
        {
            lock (_computing)
            {
                if (_pending is { } pending && ReferenceEquals(pending.Completion, mine))
                {
                    _pending = null;
                }
            }
        }
    }
}

/// <summary>
/// Values derived from the data for several keys (a page's filters), all holding for one <see cref="ChangeStamp"/>
/// version: a new version drops them all. At most <see cref="MaxEntries"/>, so odd query strings cannot grow it.
/// Register one subclass per use as a singleton.
/// </summary>
public abstract class StampedCache<TValue>
{
    public const int MaxEntries = 256;

    private readonly Lock _gate = new();
    private long _stamp;
    private Dictionary<string, TValue> _values = new(StringComparer.Ordinal);

    public bool TryGet(long stamp, string key, [MaybeNullWhen(false)] out TValue value)
    {
        lock (_gate)
        {
            if (_stamp == stamp && _values.TryGetValue(key, out value))
            {
                return true;
            }
        }
        value = default;
        return false;
    }

    public void Set(long stamp, string key, TValue value)
    {
        lock (_gate)
        {
            if (_stamp != stamp || _values.Count >= MaxEntries)
            {
                _values = new Dictionary<string, TValue>(StringComparer.Ordinal);
                _stamp = stamp;
            }
            _values[key] = value;
        }
    }
}
