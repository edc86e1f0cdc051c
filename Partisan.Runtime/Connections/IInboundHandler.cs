using System.Buffers;
using Partisan.Channels;
using Partisan.Serialization;
using Partisan.Transport;

namespace Partisan.Connections;

/// <summary>Where a <see cref="PeerConnection"/>'s reader hands what it decoded (the inbound dispatcher, in Routing).</summary>
internal interface IInboundHandler
{
    /// <summary>
    /// A user message arrived from <paramref name="from"/> for a process on this node, with its header fields (called on
    /// the connection's reader; byte fields point into its buffer, valid during the call only).
    /// </summary>
    void DeliverMessage(NodeName from, ProcessRef target, object? message, in FrameExtensions extensions);

    /// <summary>A runtime control message arrived from <paramref name="from"/>.</summary>
    void HandleControl(NodeName from, object? message);

    /// <summary>A relay frame arrived on <paramref name="channel"/> over a connection accepting <paramref name="allowed"/> message flags (its body after the frame type byte).</summary>
    void HandleRelay(NodeName from, ChannelOptions channel, MessageFlags allowed, ref WireReader reader);

    /// <summary>A message could not be decoded; it was dropped and the connection goes on.</summary>
    void MessageDropped(NodeName from, string channel, Exception error);
}
