namespace Partisan.Simulation;

/// <summary>
/// What one simulated node keeps about one peer: the runtime's <c>PeerConnectionSet</c> with a single slot (wanted or
/// dialed on demand, the link it counts, the dial in flight, backoff, messages waiting for the link).
/// </summary>
internal sealed class SimulatedPeer(NodeSpec spec)
{
    public NodeSpec Spec { get; set; } = spec;

    public NodeName Name => Spec.Name;

    public bool Wanted { get; set; }

    public bool OnDemand { get; set; }

    /// <summary>Dropped from the node's table (unwanted, disconnected, reset): events about it are stale.</summary>
    public bool Removed { get; set; }

    /// <summary>The link this node counts as its connection to the peer (up at this end), or null.</summary>
    public SimulatedLink? Link { get; set; }

    /// <summary>The link of the dial in flight (until the welcome or the failure arrives), or null.</summary>
    public SimulatedLink? DialLink { get; set; }

    public bool Dialing => DialLink is not null;

    public bool Connected => Link is not null;

    /// <summary>Not before this virtual time may it be dialed (backoff), in ticks.</summary>
    public long NextDialAt { get; set; }

    /// <summary>The backoff of the last failure, in ticks (0 after a success).</summary>
    public long Backoff { get; set; }

    /// <summary>When a redial event is already queued for it (ticks), or <see cref="long.MaxValue"/>.</summary>
    public long RedialAt { get; set; } = long.MaxValue;

    /// <summary>Waiting for room among the node's dials in flight.</summary>
    public bool Backlogged { get; set; }

    /// <summary>The owner's reconcile that last found it among the overlay's neighbours.</summary>
    public long ReconcileStamp { get; set; }

    /// <summary>Messages sent while no link was up, sent when one opens (dropped when the dial fails or the peer goes down).</summary>
    public List<object>? Pending { get; set; }
}
