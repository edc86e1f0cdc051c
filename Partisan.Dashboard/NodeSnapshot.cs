namespace Partisan.Dashboard;

/// <summary>What one node reports to a dashboard: its inspection API's answers, flattened for JSON.</summary>
/// <param name="Node">The node's name.</param>
/// <param name="At">When it was taken (Unix milliseconds, the node's clock).</param>
/// <param name="Overlay">The overlay's type name.</param>
/// <param name="Members">The members it knows.</param>
/// <param name="Neighbours">Its neighbours (the active view).</param>
/// <param name="PassiveView">Its passive view, or null when its overlay has none.</param>
/// <param name="Connections">Its connection slots.</param>
/// <param name="Processes">Its processes.</param>
/// <param name="Events">Its recent node up/down events.</param>
public sealed record NodeSnapshot(
    string Node,
    long At,
    string Overlay,
    IReadOnlyList<string> Members,
    IReadOnlyList<string> Neighbours,
    IReadOnlyList<string>? PassiveView,
    IReadOnlyList<ConnectionView> Connections,
    IReadOnlyList<ProcessView> Processes,
    IReadOnlyList<EventView> Events);

/// <summary>One connection slot of a <see cref="NodeSnapshot"/>.</summary>
/// <param name="Peer">The peer.</param>
/// <param name="Channel">The channel.</param>
/// <param name="Index">The connection index.</param>
/// <param name="State">The slot's state.</param>
/// <param name="BytesSent">Bytes written by the current connection.</param>
/// <param name="BytesReceived">Bytes read by the current connection.</param>
/// <param name="MessagesSent">Frames written by the current connection.</param>
/// <param name="MessagesReceived">Frames read by the current connection.</param>
/// <param name="QueuedBytes">Bytes waiting in the slot's queue.</param>
public sealed record ConnectionView(string Peer, string Channel, int Index, string State, long BytesSent, long BytesReceived, long MessagesSent, long MessagesReceived, long QueuedBytes);

/// <summary>One process of a <see cref="NodeSnapshot"/>.</summary>
/// <param name="Pid">The pid.</param>
/// <param name="Name">Its registered name, or null.</param>
/// <param name="Mailbox">Messages waiting in its mailbox.</param>
/// <param name="Behaviour">Its behaviour's type name, or null.</param>
public sealed record ProcessView(string Pid, string? Name, int Mailbox, string? Behaviour);

/// <summary>One node up/down event of a <see cref="NodeSnapshot"/>.</summary>
/// <param name="At">When (Unix milliseconds).</param>
/// <param name="Node">The node.</param>
/// <param name="Up">Up or down.</param>
/// <param name="Reason">Why it went down, or null.</param>
public sealed record EventView(long At, string Node, bool Up, string? Reason);
