namespace Partisan.Broadcast;

// The engine's wire messages (Partisan's {broadcast, …}, {i_have, …}, {prune, …}, {graft, …}). The sender is the node
// the message came from, never a field: a field could be forged. They are internal; a host hands every message to
// BroadcastEngine.TryHandleMessage, which knows them.

/// <summary>An eager push: the payload of <paramref name="Id"/>, <paramref name="Round"/> hops from <paramref name="Root"/>.</summary>
internal sealed record GossipMessage(string Handler, object Id, object Payload, int Round, NodeName Root);

/// <summary>One announcement in an <see cref="IHaveMessage"/>: the sender has <paramref name="Id"/>, <paramref name="Round"/> hops from <paramref name="Root"/>.</summary>
internal sealed record IHaveEntry(string Handler, object Id, int Round, NodeName Root);

/// <summary>A lazy push: the announcements queued for this peer since the last lazy tick.</summary>
internal sealed record IHaveMessage(IHaveEntry[] Entries);

/// <summary>
/// The receiver got a duplicate (of a <paramref name="Handler"/> message) from this sender in <paramref name="Root"/>'s tree:
/// the link becomes lazy there. The handler names the engine on a node that runs several.
/// </summary>
internal sealed record PruneMessage(string Handler, NodeName Root);

/// <summary>The sender lacks <paramref name="Id"/> it heard announced: send it, and the link becomes eager in <paramref name="Root"/>'s tree.</summary>
internal sealed record GraftMessage(string Handler, object Id, int Round, NodeName Root);
