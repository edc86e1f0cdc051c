namespace Partisan.Connections;

/// <content>What the connection has moved, for <see cref="PartisanNode.Connections"/>: counted once per batch.</content>
internal sealed partial class PeerConnection
{
    private long _bytesSent;
    private long _messagesSent;
    private long _bytesReceived;
    private long _messagesReceived;
    private long _startedAtTicks;

    /// <summary>When the connection started serving its slot, or null before it started.</summary>
    public DateTimeOffset? StartedAt => Volatile.Read(ref _startedAtTicks) is var ticks and not 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>True once its loops were started (the handshake is over).</summary>
    public bool IsStarted => _started;

    public long BytesSent => Volatile.Read(ref _bytesSent);

    public long MessagesSent => Volatile.Read(ref _messagesSent);

    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    public long MessagesReceived => Volatile.Read(ref _messagesReceived);

    private void MarkStarted() => Volatile.Write(ref _startedAtTicks, _time.GetUtcNow().UtcTicks);

    // One writer loop: plain adds published with a volatile write.
    private void CountSent(long messages, long bytes)
    {
        Volatile.Write(ref _messagesSent, _messagesSent + messages);
        Volatile.Write(ref _bytesSent, _bytesSent + bytes);
        _metrics.Sent(ChannelName, messages, bytes);
    }

    // One reader loop.
    private void CountReceived(long messages, long bytes)
    {
        Volatile.Write(ref _messagesReceived, _messagesReceived + messages);
        Volatile.Write(ref _bytesReceived, _bytesReceived + bytes);
        _metrics.Received(ChannelName, messages, bytes);
    }
}
