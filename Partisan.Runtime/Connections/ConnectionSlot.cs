using Partisan.Channels;

namespace Partisan.Connections;

/// <summary>
/// One (peer, channel, index) position: the queue of frames for it and the connection that serves it
/// now, in either direction (one connection set per node pair). Fields other than the queue are
/// owned by the node's loop.
/// </summary>
internal sealed class ConnectionSlot
{
    public ConnectionSlot(NodeName peer, ChannelOptions channel, int index, long maxPendingBytes, long backPressureBytes = 0)
    {
        Peer = peer;
        Channel = channel;
        Index = index;
        Queue = channel.Monotonic ? new MonotonicOutboundQueue(maxPendingBytes)
            : channel.Name == ChannelOptions.MembershipName ? new MonotonicOutboundQueue(maxPendingBytes, everyFrame: false)
            : new OutboundQueue(maxPendingBytes, backPressureBytes);
    }

    public NodeName Peer { get; }

    public ChannelOptions Channel { get; }

    public int Index { get; }

    public OutboundQueue Queue { get; }

    /// <summary>The live connection (or one reserved during its handshake), or null.</summary>
    public volatile PeerConnection? Current;

    /// <summary>The connection that served this slot before <see cref="Current"/>, until it has finished writing and reading.</summary>
    public PeerConnection? Previous { get; set; }

    /// <summary>An outbound dial is in progress.</summary>
    public bool Dialing { get; set; }

    /// <summary>Timestamp (TimeProvider) before which no new dial starts.</summary>
    public long NextDialAt { get; set; }

    /// <summary>The delay after the next failure.</summary>
    public TimeSpan Backoff { get; set; }

    /// <summary>Set once a queue-full warning was logged, so it is logged once per episode.</summary>
    public int QueueFullLogged;
}
