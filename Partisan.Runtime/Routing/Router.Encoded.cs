using System.Buffers;
using Partisan.Channels;
using Partisan.Connections;

namespace Partisan.Routing;

/// <content>
/// Messages encoded once and sent more than once (acknowledged delivery keeps the bytes and retransmits them): encoding
/// without a route, and sending an encoded body on whatever route exists at the time, direct or by relay.
/// </content>
internal sealed partial class Router
{
    /// <summary>
    /// Encodes a message frame body for <paramref name="target"/> (no relay header) into a pooled frame the caller owns,
    /// with the channel's compression; <paramref name="key"/> is the partition hash the options give.
    /// </summary>
    /// <exception cref="ArgumentException">The channel is not configured.</exception>
    public OutboundFrame EncodeDetached(ProcessRef target, object message, in ForwardOptions options, in FrameExtensions extensions, out long key)
    {
        string channel = options.Channel ?? ChannelOptions.DefaultName;
        ChannelOptions settings = FindChannel(channel) ?? throw UnknownChannel(channel);

        key = options.PartitionKey is null ? PartitionHash.Of(target) : PartitionHash.Of(options.PartitionKey);
        OutboundFrame frame = OutboundFrame.Rent();
        try
        {
            _codec.EncodeMessage(frame, target, message, settings.Compression, extensions);
        }
        catch
        {
            OutboundFrame.Return(frame);
            throw;
        }

        return frame;
    }

    /// <summary>
    /// Queues an encoded message frame body (from <see cref="EncodeDetached"/>) for <paramref name="node"/>, directly or by
    /// relay, within the queue's byte limit. False when there is no route or no room (nothing is queued then).
    /// </summary>
    public bool ForwardEncoded(NodeName node, string channel, long key, ReadOnlySpan<byte> body, int extensionsLength)
    {
        if (TryRoute(node, channel, key, out Route route) is { } failure && failure != HoldRoute)
        {
            return false;
        }

        OutboundFrame frame = Begin(route, key, PartisanNode.CurrentSenderId);
        int at = (int)frame.Body.WrittenCount;
        frame.Body.Write(body);
        if (extensionsLength > 0)
        {
            frame.ExtensionsAt = at + 1;
            frame.ExtensionsLength = extensionsLength;
        }

        return Deliver(node, route, frame, bounded: true);
    }

    /// <summary>The protocol version the connections to <paramref name="node"/> settled on; 0 while none was ever established.</summary>
    public int ProtocolVersionOf(NodeName node) =>
        _connections.Table.TryGetValue(node, out PeerConnectionSet? set) ? set.ProtocolVersion : 0;
}
