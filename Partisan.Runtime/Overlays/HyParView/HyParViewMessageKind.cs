namespace Partisan.Overlays.HyParView;

/// <summary>The kinds of <see cref="HyParViewMessage"/>: the protocol's messages (DSN 2007 paper) and on-demand route search.</summary>
internal enum HyParViewMessageKind : byte
{
    /// <summary>A new node asks its contact to take it in (the contact adds it and forwards a <see cref="ForwardJoin"/>).</summary>
    Join = 1,

    /// <summary>A random walk announcing a joiner (<c>Subject</c>); taken into the active view at the walk's end, into the passive view at PRWL.</summary>
    ForwardJoin = 2,

    /// <summary>"I took you into my active view": the receiver takes the sender into its own.</summary>
    Neighbour = 3,

    /// <summary>Promotion of a passive peer: may I join your active view? <c>Flag</c> = high priority (always accepted).</summary>
    NeighbourRequest = 4,

    /// <summary>The answer to <see cref="NeighbourRequest"/>; <c>Flag</c> = accepted.</summary>
    NeighbourReply = 5,

    /// <summary>The sender dropped the receiver from its active view; <c>Flag</c> = the sender is leaving the cluster.</summary>
    Disconnect = 6,

    /// <summary>A random walk carrying a sample of the origin's (<c>Subject</c>) views.</summary>
    Shuffle = 7,

    /// <summary>The end of a shuffle's walk answers the origin with a sample of its passive view.</summary>
    ShuffleReply = 8,

    /// <summary>A flooded search (id, hops left) for a route from <c>Subject</c> to <c>Target</c>.</summary>
    RouteRequest = 9,

    /// <summary>The answer to a route search, travelling back along the search's path: <c>Subject</c> is reachable through the sender.</summary>
    RouteReply = 10,

    /// <summary>The sender no longer reaches <c>Target</c>.</summary>
    RouteError = 11,

    /// <summary>Another node asks the receiver to leave the cluster (<c>LeaveAsync(node)</c>).</summary>
    LeaveRequest = 12,
}
