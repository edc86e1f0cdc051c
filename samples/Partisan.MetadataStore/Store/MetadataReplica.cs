using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Partisan.MetadataStore;

/// <summary>
/// One replica's data, with no locking and no network: per prefix, the winning write of every key, and a digest per prefix
/// kept up to date on every merge. Merging is last-writer-wins on <see cref="HybridTimestamp"/>: a write replaces what a
/// key holds only if its stamp is newer, so merging is commutative, associative and idempotent, and replicas that merged
/// the same writes in any order hold the same data (and the same digests).
/// </summary>
public sealed class MetadataReplica
{
    private readonly Dictionary<string, Dictionary<string, MetadataEntry>> _prefixes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _digests = new(StringComparer.Ordinal);

    /// <summary>The prefixes that hold at least one write (tombstones included).</summary>
    public IReadOnlyCollection<string> Prefixes => _prefixes.Keys;

    /// <summary>Takes in <paramref name="entry"/>: true when it is newer than what its key held (it is kept), false otherwise.</summary>
    public bool Merge(MetadataEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!_prefixes.TryGetValue(entry.Prefix, out Dictionary<string, MetadataEntry>? keys))
        {
            keys = new Dictionary<string, MetadataEntry>(StringComparer.Ordinal);
            _prefixes.Add(entry.Prefix, keys);
        }

        long digest = _digests.GetValueOrDefault(entry.Prefix);
        if (keys.TryGetValue(entry.Key, out MetadataEntry? held))
        {
            if (entry.Stamp <= held.Stamp)
            {
                return false;
            }

            digest = unchecked(digest - HashOf(held));
        }

        keys[entry.Key] = entry;
        _digests[entry.Prefix] = unchecked(digest + HashOf(entry));
        return true;
    }

    /// <summary>The write <paramref name="key"/> holds (a tombstone included), or null when it was never written.</summary>
    public MetadataEntry? Find(string prefix, string key) =>
        _prefixes.TryGetValue(prefix, out Dictionary<string, MetadataEntry>? keys) && keys.TryGetValue(key, out MetadataEntry? entry) ? entry : null;

    /// <summary>The value of <paramref name="key"/>, or null when it was never written or was deleted.</summary>
    public string? Get(string prefix, string key) => Find(prefix, key)?.Value;

    /// <summary>Folds <paramref name="folder"/> over the live keys of <paramref name="prefix"/> in key order (tombstones skipped).</summary>
    public TAccumulate Fold<TAccumulate>(string prefix, TAccumulate seed, Func<TAccumulate, string, string, TAccumulate> folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!_prefixes.TryGetValue(prefix, out Dictionary<string, MetadataEntry>? keys))
        {
            return seed;
        }

        TAccumulate result = seed;
        foreach (MetadataEntry entry in keys.Values.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (entry.Value is { } value)
            {
                result = folder(result, entry.Key, value);
            }
        }

        return result;
    }

    /// <summary>Every write held under <paramref name="prefix"/> (tombstones included).</summary>
    public IReadOnlyCollection<MetadataEntry> EntriesOf(string prefix) =>
        _prefixes.TryGetValue(prefix, out Dictionary<string, MetadataEntry>? keys) ? keys.Values : [];

    /// <summary>The digest of <paramref name="prefix"/>: equal on two replicas that hold the same writes there (0 when empty).</summary>
    public long DigestOf(string prefix) => _digests.GetValueOrDefault(prefix);

    /// <summary>A copy of every prefix's digest.</summary>
    public Dictionary<string, long> Digests() => new(_digests, StringComparer.Ordinal);

    // An order-independent digest: the sum of the entries' hashes. The hash is SHA-256's first eight bytes, the same on
    // every node and process (string.GetHashCode is randomized per process).
    internal static long HashOf(MetadataEntry entry)
    {
        string text = $"{entry.Prefix}\u0000{entry.Key}\u0000{entry.Stamp.WallMilliseconds}.{entry.Stamp.Counter}.{entry.Stamp.Node}\u0000{(entry.Value is null ? "\u0001" : "\u0002" + entry.Value)}";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return BinaryPrimitives.ReadInt64LittleEndian(hash);
    }
}
