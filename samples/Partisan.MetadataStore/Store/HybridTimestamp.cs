namespace Partisan.MetadataStore;

/// <summary>
/// A hybrid logical clock reading (Kulkarni et al., 2014): physical milliseconds, a counter that orders readings within
/// one millisecond (or while the clock lags a timestamp it has seen), and the writing node's name as the last tie-break.
/// Readings are totally ordered, and a write made after a node saw another write is always ordered after it, whatever the
/// nodes' clocks say.
/// </summary>
/// <param name="WallMilliseconds">Milliseconds since the Unix epoch: the larger of the physical clock and the largest seen.</param>
/// <param name="Counter">Orders readings with the same <paramref name="WallMilliseconds"/>.</param>
/// <param name="Node">The node that wrote; breaks the tie between two nodes' concurrent writes.</param>
[PartisanMessage]
public readonly record struct HybridTimestamp(long WallMilliseconds, int Counter, string Node) : IComparable<HybridTimestamp>
{
    /// <inheritdoc />
    public int CompareTo(HybridTimestamp other)
    {
        int byWall = WallMilliseconds.CompareTo(other.WallMilliseconds);
        if (byWall != 0)
        {
            return byWall;
        }

        int byCounter = Counter.CompareTo(other.Counter);
        return byCounter != 0 ? byCounter : string.CompareOrdinal(Node, other.Node);
    }

    /// <summary>True when <paramref name="left"/> is ordered after <paramref name="right"/>.</summary>
    public static bool operator >(HybridTimestamp left, HybridTimestamp right) => left.CompareTo(right) > 0;

    /// <summary>True when <paramref name="left"/> is ordered before <paramref name="right"/>.</summary>
    public static bool operator <(HybridTimestamp left, HybridTimestamp right) => left.CompareTo(right) < 0;

    /// <summary>True when <paramref name="left"/> is ordered after or equals <paramref name="right"/>.</summary>
    public static bool operator >=(HybridTimestamp left, HybridTimestamp right) => left.CompareTo(right) >= 0;

    /// <summary>True when <paramref name="left"/> is ordered before or equals <paramref name="right"/>.</summary>
    public static bool operator <=(HybridTimestamp left, HybridTimestamp right) => left.CompareTo(right) <= 0;

    /// <inheritdoc />
    public override string ToString() => $"{WallMilliseconds}.{Counter}@{Node}";
}
