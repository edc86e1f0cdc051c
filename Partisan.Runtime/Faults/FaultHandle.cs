namespace Partisan.Faults;

/// <summary>Identifies a rule or interposition function added to a <see cref="FaultInjector"/>, to remove it.</summary>
/// <param name="Id">Unique within the injector.</param>
public readonly record struct FaultHandle(long Id);

/// <summary>Identifies a partition injected with <see cref="FaultInjector.InjectPartition"/>, to resolve it.</summary>
/// <param name="Id">Unique within the injector.</param>
public readonly record struct PartitionHandle(long Id);

/// <summary>A partition in force: this node and <see cref="Peers"/> cannot reach each other.</summary>
/// <param name="Handle">What resolves it.</param>
/// <param name="Peers">The nodes cut off from this one (empty when <see cref="Everyone"/>).</param>
public sealed record Partition(PartitionHandle Handle, IReadOnlyList<NodeName> Peers)
{
    /// <summary>True when this node is cut off from every other node, present and future (<see cref="FaultInjector.Isolate"/>).</summary>
    public bool Everyone { get; init; }
}
