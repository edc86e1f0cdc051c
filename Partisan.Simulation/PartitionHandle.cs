namespace Partisan.Simulation;

/// <summary>A partition between two sets of nodes (<see cref="OverlaySimulation.Partition"/>), until <see cref="OverlaySimulation.Heal"/>.</summary>
public sealed class PartitionHandle
{
    private readonly HashSet<NodeName> _a;
    private readonly HashSet<NodeName> _b;

    internal PartitionHandle(HashSet<NodeName> a, HashSet<NodeName> b)
    {
        _a = a;
        _b = b;
    }

    /// <summary>One side.</summary>
    public IReadOnlyCollection<NodeName> SideA => _a;

    /// <summary>The other side.</summary>
    public IReadOnlyCollection<NodeName> SideB => _b;

    /// <summary>True until the partition is healed.</summary>
    public bool IsActive { get; internal set; } = true;

    /// <summary>True when this partition separates <paramref name="x"/> from <paramref name="y"/>.</summary>
    public bool Separates(NodeName x, NodeName y) => (_a.Contains(x) && _b.Contains(y)) || (_a.Contains(y) && _b.Contains(x));
}
