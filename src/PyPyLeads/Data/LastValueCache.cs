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
