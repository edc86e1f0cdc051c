namespace Partisan.Delivery;

/// <summary>
/// A vector clock of one causal label: per node, the <see cref="ClockEntry"/> of causal messages it sent that the owner
/// knows of. A missing entry is (0, 0). Not thread-safe: the owner (<see cref="CausalOrder"/>) locks.
/// </summary>
internal sealed class VectorClock
{
    private readonly Dictionary<NodeName, ClockEntry> _entries;

    /// <summary>An empty clock.</summary>
    public VectorClock() => _entries = new Dictionary<NodeName, ClockEntry>();

    private VectorClock(Dictionary<NodeName, ClockEntry> entries) => _entries = entries;

    /// <summary>Nodes with an entry.</summary>
    public int Count => _entries.Count;

    /// <summary>The entries (for encoding and tests).</summary>
    public IReadOnlyDictionary<NodeName, ClockEntry> Entries => _entries;

    /// <summary><paramref name="node"/>'s entry, (0, 0) when it has none.</summary>
    public ClockEntry this[NodeName node]
    {
        get => _entries.GetValueOrDefault(node);
        set => _entries[node] = value;
    }

    /// <summary>Counts one more message sent by <paramref name="node"/> in its run <paramref name="run"/> (a newer run starts at 1).</summary>
    public ClockEntry Tick(NodeName node, ulong run)
    {
        ClockEntry current = this[node];
        ClockEntry next = current.Run == run ? current with { Count = current.Count + 1 } : new ClockEntry(run, 1);
        _entries[node] = ClockEntry.Max(current, next);
        return _entries[node];
    }

    /// <summary>Takes, entry by entry, the later of this clock and <paramref name="other"/>.</summary>
    public void Merge(VectorClock other)
    {
        foreach (KeyValuePair<NodeName, ClockEntry> entry in other._entries)
        {
            _entries[entry.Key] = ClockEntry.Max(this[entry.Key], entry.Value);
        }
    }

    /// <summary>True when every entry of <paramref name="other"/> is at or before this clock's: everything it names, this clock has seen.</summary>
    public bool Dominates(VectorClock other)
    {
        foreach (KeyValuePair<NodeName, ClockEntry> entry in other._entries)
        {
            if (this[entry.Key] < entry.Value)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The sum of the counts: a linear extension of happened-before within one run of each node (a clock that happened
    /// before another has a smaller rank), used to deliver held messages in an order causality allows.
    /// </summary>
    public ulong Rank()
    {
        ulong rank = 0;
        foreach (ClockEntry entry in _entries.Values)
        {
            rank += entry.Count;
        }

        return rank;
    }

    /// <summary>An independent copy.</summary>
    public VectorClock Copy() => new(new Dictionary<NodeName, ClockEntry>(_entries));

    /// <inheritdoc />
    public override string ToString()
    {
        var parts = new List<string>(_entries.Count);
        foreach (KeyValuePair<NodeName, ClockEntry> entry in _entries)
        {
            parts.Add($"{entry.Key}:{entry.Value.Run}.{entry.Value.Count}");
        }

        parts.Sort(StringComparer.Ordinal);
        return "[" + string.Join(", ", parts) + "]";
    }
}
