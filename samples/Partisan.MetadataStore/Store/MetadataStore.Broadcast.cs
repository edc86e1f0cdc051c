using Partisan.Broadcast;

namespace Partisan.MetadataStore;

/// <summary>
/// The store as Plumtree's handler: a write is broadcast with its <see cref="WriteId"/>; a payload is merged
/// last-writer-wins; an announced write is stale when the key holds that stamp or a newer one; a graft is answered with the
/// write if the key still holds it. Anti-entropy compares per-prefix digests and sends the entries of the prefixes that
/// differ, each way.
/// </summary>
public sealed partial class MetadataStore : IBroadcastHandler, IBroadcastExchange
{
    /// <inheritdoc />
    string IBroadcastHandler.Name => HandlerName;

    /// <inheritdoc />
    BroadcastData IBroadcastHandler.BroadcastData(object message)
    {
        var entry = (MetadataEntry)message;
        return new BroadcastData(entry.Id, entry);
    }

    /// <inheritdoc />
    bool IBroadcastHandler.Merge(object id, object payload) => MergeRemote((MetadataEntry)payload);

    /// <inheritdoc />
    bool IBroadcastHandler.IsStale(object id)
    {
        var write = (WriteId)id;
        lock (_gate)
        {
            return _replica.Find(write.Prefix, write.Key) is { } held && held.Stamp >= write.Stamp;
        }
    }

    /// <inheritdoc />
    GraftResult IBroadcastHandler.Graft(object id)
    {
        var write = (WriteId)id;
        lock (_gate)
        {
            MetadataEntry? held = _replica.Find(write.Prefix, write.Key);
            return held is null ? GraftResult.Failed("no write of that key")
                : held.Stamp == write.Stamp ? GraftResult.Found(held)
                : held.Stamp > write.Stamp ? GraftResult.Stale
                : GraftResult.Failed("an older write of that key");
        }
    }

    /// <inheritdoc />
    object? IBroadcastExchange.BeginExchange(NodeName peer)
    {
        lock (_gate)
        {
            return new PrefixDigests(_replica.Digests());
        }
    }

    /// <inheritdoc />
    object? IBroadcastExchange.ContinueExchange(NodeName peer, object message) => message switch
    {
        PrefixDigests theirs => AnswerDigests(theirs),
        PrefixEntries step => TakeEntries(step),
        _ => null,
    };

    // Responder: the prefixes whose digests differ (or that only one side has), with this side's entries of them.
    internal PrefixEntries? AnswerDigests(PrefixDigests theirs)
    {
        lock (_gate)
        {
            var differing = new List<string>();
            foreach (string prefix in _replica.Prefixes)
            {
                if (_replica.DigestOf(prefix) != theirs.Digests.GetValueOrDefault(prefix))
                {
                    differing.Add(prefix);
                }
            }

            foreach ((string prefix, long digest) in theirs.Digests)
            {
                if (!_replica.Prefixes.Contains(prefix) && digest != 0)
                {
                    differing.Add(prefix);
                }
            }

            if (differing.Count == 0)
            {
                return null;
            }

            var entries = new List<MetadataEntry>();
            foreach (string prefix in differing)
            {
                entries.AddRange(_replica.EntriesOf(prefix));
            }

            return new PrefixEntries([.. entries], [.. differing]);
        }
    }

    // Either side: merge what came; when asked, send back this side's entries of those prefixes that the other lacks or
    // holds older (it sent all of its own, so this side knows exactly which).
    internal PrefixEntries? TakeEntries(PrefixEntries step)
    {
        foreach (MetadataEntry entry in step.Entries)
        {
            MergeRemote(entry);
        }

        if (step.Wanted.Length == 0)
        {
            return null;
        }

        var theirs = new Dictionary<(string, string), HybridTimestamp>();
        foreach (MetadataEntry entry in step.Entries)
        {
            theirs[(entry.Prefix, entry.Key)] = entry.Stamp;
        }

        var missing = new List<MetadataEntry>();
        lock (_gate)
        {
            foreach (string prefix in step.Wanted)
            {
                foreach (MetadataEntry mine in _replica.EntriesOf(prefix))
                {
                    if (!theirs.TryGetValue((mine.Prefix, mine.Key), out HybridTimestamp stamp) || mine.Stamp > stamp)
                    {
                        missing.Add(mine);
                    }
                }
            }
        }

        return missing.Count == 0 ? null : new PrefixEntries([.. missing], []);
    }
}
