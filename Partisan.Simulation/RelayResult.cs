namespace Partisan.Simulation;

/// <summary>
/// The walk of one relayed message (<see cref="OverlaySimulation.SendRelayed"/>): read it after running the simulation on.
/// </summary>
public sealed class RelayResult
{
    private readonly List<NodeName> _path = new();

    internal RelayResult(NodeName origin, NodeName destination, int maxHops)
    {
        Origin = origin;
        Destination = destination;
        HopsLeft = maxHops;
        _path.Add(origin);
    }

    /// <summary>The node that sent it.</summary>
    public NodeName Origin { get; }

    /// <summary>The node it is for.</summary>
    public NodeName Destination { get; }

    /// <summary>Pending, delivered or dropped.</summary>
    public RelayStatus Status { get; private set; }

    /// <summary>Why it was dropped (<c>no_route</c>, <c>hop_not_connected</c>, <c>relay_ttl</c>, <c>lost</c> on a link that failed, <c>node_down</c>); null otherwise.</summary>
    public string? Reason { get; private set; }

    /// <summary>The nodes it visited, the origin first (and the destination last when delivered).</summary>
    public IReadOnlyList<NodeName> Path => _path;

    /// <summary>Links it crossed.</summary>
    public int Hops => _path.Count - 1;

    /// <summary>When it was delivered or dropped (virtual time since the run started); null while pending.</summary>
    public TimeSpan? CompletedAt { get; private set; }

    internal int HopsLeft { get; set; }

    internal void Visit(NodeName node) => _path.Add(node);

    internal void Deliver(TimeSpan now)
    {
        Status = RelayStatus.Delivered;
        CompletedAt = now;
    }

    internal void Drop(string reason, TimeSpan now)
    {
        if (Status != RelayStatus.Pending)
        {
            return;
        }

        Status = RelayStatus.Dropped;
        Reason = reason;
        CompletedAt = now;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Origin} → {Destination}: {Status}{(Reason is null ? "" : " (" + Reason + ")")} via {string.Join(" → ", _path)}";
}
