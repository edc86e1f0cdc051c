namespace Partisan.Simulation;

/// <summary>What a scheduled event does.</summary>
internal enum SimEventKind : byte
{
    /// <summary>A named timer of <see cref="SimEvent.Node"/> is due (<see cref="SimEvent.Arg"/>: its arming).</summary>
    Timer,

    /// <summary>Something sent on <see cref="SimEvent.Link"/> arrives at <see cref="SimEvent.Node"/>: a message, a welcome, a close, a relayed message.</summary>
    Deliver,

    /// <summary>A dial of <see cref="SimEvent.Node"/> (over <see cref="SimEvent.Link"/>) reaches the peer.</summary>
    DialArrive,

    /// <summary>A dial of <see cref="SimEvent.Node"/> failed (<see cref="SimEvent.Arg"/> 1: refused as a duplicate).</summary>
    DialFailed,

    /// <summary>A peer's backoff has passed: dial it if still needed.</summary>
    Redial,

    /// <summary><see cref="SimEvent.Node"/> learns <see cref="SimEvent.Link"/> is gone (a crash reset, a keep-alive timeout).</summary>
    LinkLost,

    /// <summary>A relayed message is at <see cref="SimEvent.Node"/> (the origin's first step).</summary>
    Relay,

    /// <summary>The keep-alive timeout of a link cut by a partition.</summary>
    PartitionTimeout,
}

/// <summary>One entry of the scheduler's queue; which fields matter depends on <see cref="Kind"/>.</summary>
internal readonly record struct SimEvent(SimEventKind Kind, SimulatedNode Node, object? Payload = null, SimulatedLink? Link = null, SimulatedPeer? Peer = null, long Arg = 0, int Epoch = 0);

/// <summary>The first thing the acceptor sends on a link it admitted: the initiator counts the link up when it arrives.</summary>
internal sealed class WelcomeMarker
{
    public static readonly WelcomeMarker Instance = new();
}

/// <summary>The last thing a node sends on a link it closes gracefully: the peer counts the link down when it arrives.</summary>
internal sealed record CloseMarker(string Reason);
