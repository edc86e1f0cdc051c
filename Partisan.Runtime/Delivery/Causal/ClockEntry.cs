namespace Partisan.Delivery;

/// <summary>
/// One node's entry in a <see cref="VectorClock"/>: how many causal messages of a label it had sent, in which of its runs.
/// Entries compare by run first, so a restarted node's new run is ahead of everything its old run sent.
/// </summary>
/// <param name="Run">The node's run (its incarnation) the count belongs to.</param>
/// <param name="Count">Causal messages of the label the node sent in that run, as far as the clock's owner knows.</param>
internal readonly record struct ClockEntry(ulong Run, ulong Count) : IComparable<ClockEntry>
{
    /// <inheritdoc />
    public int CompareTo(ClockEntry other) => Run != other.Run ? Run.CompareTo(other.Run) : Count.CompareTo(other.Count);

    /// <summary>The later of two entries.</summary>
    public static ClockEntry Max(ClockEntry a, ClockEntry b) => a.CompareTo(b) >= 0 ? a : b;

    /// <summary>True when <paramref name="a"/> is at or after <paramref name="b"/>.</summary>
    public static bool operator >=(ClockEntry a, ClockEntry b) => a.CompareTo(b) >= 0;

    /// <summary>True when <paramref name="a"/> is at or before <paramref name="b"/>.</summary>
    public static bool operator <=(ClockEntry a, ClockEntry b) => a.CompareTo(b) <= 0;

    /// <summary>True when <paramref name="a"/> is after <paramref name="b"/>.</summary>
    public static bool operator >(ClockEntry a, ClockEntry b) => a.CompareTo(b) > 0;

    /// <summary>True when <paramref name="a"/> is before <paramref name="b"/>.</summary>
    public static bool operator <(ClockEntry a, ClockEntry b) => a.CompareTo(b) < 0;
}
