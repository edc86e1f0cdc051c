using System.Globalization;

namespace Partisan.Membership;

/// <summary>
/// Who made a <see cref="Dot"/>: a node name plus the incarnation (the run) of that node. A node that
/// restarts gets a new incarnation and therefore a new replica id, so its counter can start again at 1
/// without ever reusing a dot that the cluster has already seen (and maybe removed).
/// </summary>
/// <param name="Node">The node that made the dot.</param>
/// <param name="Incarnation">The run of that node (<see cref="NodeSpec.Incarnation"/>).</param>
public readonly record struct ReplicaId(NodeName Node, long Incarnation) : IComparable<ReplicaId>
{
    /// <summary>The replica id of the run described by <paramref name="spec"/>.</summary>
    public static ReplicaId Of(NodeSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new ReplicaId(spec.Name, spec.Incarnation);
    }

    /// <summary>Orders by node name (ordinal), then incarnation.</summary>
    public int CompareTo(ReplicaId other)
    {
        int byNode = Node.CompareTo(other.Node);
        return byNode != 0 ? byNode : Incarnation.CompareTo(other.Incarnation);
    }

    /// <inheritdoc />
    public override string ToString() => Node.ToString() + "#" + Incarnation.ToString(CultureInfo.InvariantCulture);

    /// <summary>Ordering.</summary>
    public static bool operator <(ReplicaId left, ReplicaId right) => left.CompareTo(right) < 0;

    /// <summary>Ordering.</summary>
    public static bool operator >(ReplicaId left, ReplicaId right) => left.CompareTo(right) > 0;

    /// <summary>Ordering.</summary>
    public static bool operator <=(ReplicaId left, ReplicaId right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering.</summary>
    public static bool operator >=(ReplicaId left, ReplicaId right) => left.CompareTo(right) >= 0;
}
