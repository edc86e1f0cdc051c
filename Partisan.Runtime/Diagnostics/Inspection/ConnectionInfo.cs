namespace Partisan.Diagnostics.Inspection;

/// <summary>One connection slot to a peer (one per channel and connection index), at the moment it was read.</summary>
/// <param name="Peer">The peer.</param>
/// <param name="Channel">The channel.</param>
/// <param name="Index">The connection index within the channel (0 to parallelism − 1).</param>
/// <param name="State">Whether a connection serves the slot.</param>
/// <param name="Outbound">True when this node opened the connection (false when there is none).</param>
/// <param name="ProtocolVersion">The protocol version the connection's handshake settled on (0 when there is none).</param>
/// <param name="RemoteEndPoint">The peer's end of the connection, or null.</param>
/// <param name="Since">When the current connection started serving the slot, or null.</param>
/// <param name="BytesSent">Frame bytes written by the current connection.</param>
/// <param name="BytesReceived">Frame bytes read by the current connection.</param>
/// <param name="MessagesSent">Frames written by the current connection (user, control and relayed messages).</param>
/// <param name="MessagesReceived">User messages read and dispatched by the current connection (control frames are not counted).</param>
/// <param name="QueuedBytes">Bytes waiting in the slot's send queue (it outlives connections).</param>
public sealed record ConnectionInfo(
    NodeName Peer,
    string Channel,
    int Index,
    ConnectionState State,
    bool Outbound,
    int ProtocolVersion,
    string? RemoteEndPoint,
    DateTimeOffset? Since,
    long BytesSent,
    long BytesReceived,
    long MessagesSent,
    long MessagesReceived,
    long QueuedBytes);
