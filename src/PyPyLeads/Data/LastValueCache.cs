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
