
namespace Partisan.KeyValue;

/// <summary>
/// One replica of the store: a gen_server holding versioned entries. Writes are casts carrying a version,
/// and the highest version wins, so replicas that got the same writes in any order agree (last writer wins).
/// </summary>
[PartisanServer]
public sealed partial class KeyValueStore
{
    /// <summary>The name every node registers its replica under.</summary>
    public const string Name = "kv";

    private readonly Dictionary<string, (string Value, long Version)> _entries = new(StringComparer.Ordinal);
    private readonly List<(string Key, ReplyTo<string> Reply)> _waiting = new();

    /// <summary>Stores <paramref name="value"/> unless the replica already has a newer version of <paramref name="key"/>.</summary>
    [Cast]
    public void Put(string key, string value, long version)
    {
        if (_entries.TryGetValue(key, out var current) && current.Version >= version)
        {
            return;
        }

        _entries[key] = (value, version);
        for (int i = _waiting.Count - 1; i >= 0; i--)
        {
            if (_waiting[i].Key == key)
            {
                _waiting[i].Reply.Send(value);
                _waiting.RemoveAt(i);
            }
        }
    }

    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    [Call]
    public string? Get(string key) => _entries.TryGetValue(key, out var entry) ? entry.Value : null;

    /// <summary>Replies once <paramref name="key"/> has a value (at once if it has one): a deferred reply.</summary>
    [Call]
    public void WaitFor(string key, ReplyTo<string> reply)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            reply.Send(entry.Value);
        }
        else
        {
            _waiting.Add((key, reply));
        }
    }

    /// <summary>How many keys the replica holds.</summary>
    [Call]
    public int Count() => _entries.Count;
}
