using Partisan.Broadcast;

namespace Partisan.MetadataStore;

/// <summary>
/// A replicated metadata store, after PlumDB: values under prefixed keys, <see cref="Get"/>, <see cref="Put"/>,
/// <see cref="Delete"/> (a tombstone) and <see cref="Fold{TAccumulate}"/>, every write broadcast to every node through
/// Plumtree (this store is its own <see cref="IBroadcastHandler"/>), and anti-entropy by per-prefix digests
/// (<see cref="IBroadcastExchange"/>) so a node that missed writes (partitioned, restarted) converges.
/// </summary>
/// <remarks>
/// <para>
/// Concurrent writes are resolved last-writer-wins on hybrid logical clock stamps (<see cref="HybridTimestamp"/>), not with
/// dotted version vectors. Why: metadata (configuration, membership of groups, feature flags) wants one value per key that
/// every reader sees alike, with no siblings for the application to resolve; a hybrid clock keeps LWW's cheap merge and
/// one stamp per write (no per-key vector growing with the writers), while a write made after a node saw another is
/// always ordered after it, even when that node's wall clock is behind, which plain wall-clock LWW gets wrong. The cost:
/// of two truly concurrent writes to a key, one is kept and the other lost (the later stamp, then the larger node name,
/// wins). A store that must keep both wants dotted version vectors and siblings, as PlumDB does.
/// </para>
/// <para>
/// Tombstones are kept forever here (PlumDB collects them later); a deleted key costs its tombstone. Thread-safe: the
/// application's calls and the broadcast loop's take one lock.
/// </para>
/// </remarks>
public sealed partial class MetadataStore
{
    /// <summary>The broadcast handler's name; every node's store registers under it.</summary>
    public const string HandlerName = "metadata";

    private readonly MetadataReplica _replica = new();
    private readonly HybridClock _clock;
    private readonly Lock _gate = new();
    private readonly PartisanNode? _node;

    /// <summary>A store on <paramref name="node"/> (broadcast enabled on it): registers itself as the node's <c>metadata</c> broadcast handler.</summary>
    public MetadataStore(PartisanNode node)
        : this(node?.Name.ToString() ?? throw new ArgumentNullException(nameof(node)), node.TimeProvider)
    {
        _node = node;
        node.RegisterBroadcastHandler(this);
    }

    /// <summary>A store on no node (tests): writes are kept here and not broadcast.</summary>
    internal MetadataStore(string nodeName, TimeProvider time) => _clock = new HybridClock(nodeName, time);

    /// <summary>Raised (on the broadcast loop) when a write from another node is taken in, by broadcast or exchange.</summary>
    public event Action<MetadataEntry>? Merged;

    /// <summary>The value of <paramref name="key"/> under <paramref name="prefix"/>, or null when it is not set (never written, or deleted).</summary>
    public string? Get(string prefix, string key)
    {
        lock (_gate)
        {
            return _replica.Get(prefix, key);
        }
    }

    /// <summary>Sets <paramref name="key"/> under <paramref name="prefix"/> to <paramref name="value"/> here and broadcasts the write; returns its stamp.</summary>
    public HybridTimestamp Put(string prefix, string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Write(prefix, key, value);
    }

    /// <summary>Deletes <paramref name="key"/> under <paramref name="prefix"/> (a tombstone, so the delete wins over older writes everywhere); returns its stamp.</summary>
    public HybridTimestamp Delete(string prefix, string key) => Write(prefix, key, null);

    /// <summary>Folds <paramref name="folder"/> over the keys set under <paramref name="prefix"/>, in key order.</summary>
    public TAccumulate Fold<TAccumulate>(string prefix, TAccumulate seed, Func<TAccumulate, string, string, TAccumulate> folder)
    {
        lock (_gate)
        {
            return _replica.Fold(prefix, seed, folder);
        }
    }

    /// <summary>Every prefix's digest: two stores hold the same data exactly when these are equal.</summary>
    public IReadOnlyDictionary<string, long> Digests()
    {
        lock (_gate)
        {
            return _replica.Digests();
        }
    }

    /// <summary>Takes in a write from elsewhere (a broadcast, an exchange, a test): true when it was newer than what its key held.</summary>
    internal bool MergeRemote(MetadataEntry entry)
    {
        bool fresh;
        lock (_gate)
        {
            _clock.Observe(entry.Stamp);
            fresh = _replica.Merge(entry);
        }

        if (fresh)
        {
            Merged?.Invoke(entry);
        }

        return fresh;
    }

    private HybridTimestamp Write(string prefix, string key, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentException.ThrowIfNullOrEmpty(key);
        MetadataEntry entry;
        lock (_gate)
        {
            entry = new MetadataEntry(prefix, key, value, _clock.Now());
            _replica.Merge(entry);
        }

        _node?.Broadcast(entry, this);
        return entry.Stamp;
    }
}
