using System.Globalization;

namespace Partisan.Membership;

/// <summary>
/// A unique event id in the membership CRDT: the <paramref name="Counter"/>-th event made by
/// <paramref name="Replica"/>. Every add of a node is tagged with a fresh dot; a remove deletes the
/// dots it has seen, and a version vector remembers which dots a state has seen.
/// </summary>
/// <param name="Replica">Who made the event.</param>
/// <param name="Counter">The replica's event number, from 1.</param>
public readonly record struct Dot(ReplicaId Replica, long Counter) : IComparable<Dot>
{
    /// <summary>Orders by replica, then counter.</summary>
    public int CompareTo(Dot other)
    {
        int byReplica = Replica.CompareTo(other.Replica);
        return byReplica != 0 ? byReplica : Counter.CompareTo(other.Counter);
    }

    /// <inheritdoc />
    public override string ToString() => Replica.ToString() + ":" + Counter.ToString(CultureInfo.InvariantCulture);

    /// <summary>Ordering.</summary>
    public static bool operator <(Dot left, Dot right) => left.CompareTo(right) < 0;

    /// <summary>Ordering.</summary>
    public static bool operator >(Dot left, Dot right) => left.CompareTo(right) > 0;

    /// <summary>Ordering.</summary>
    public static bool operator <=(Dot left, Dot right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering.</summary>
    public static bool operator >=(Dot left, Dot right) => left.CompareTo(right) >= 0;
}
