using System.Buffers;
using Partisan.Serialization;

namespace Partisan.Connections;

/// <summary>Where a <see cref="PeerConnection"/>'s reader hands what it decoded (the inbound dispatcher, in Routing).</summary>
internal interface IInboundHandler
{
    /// <summary>A user message arrived from <paramref name="from"/> for a process on this node (called on the connection's reader).</summary>
    void DeliverMessage(NodeName from, ProcessRef target, object? message);

    /// <summary>A runtime control message arrived from <paramref name="from"/>.</summary>
    void HandleControl(NodeName from, object? message);

    /// <summary>A relay frame arrived on <paramref name="channel"/> (its body after the frame type byte).</summary>
    void HandleRelay(NodeName from, ChannelOptions channel, ref WireReader reader);

    /// <summary>A message could not be decoded; it was dropped and the connection goes on.</summary>
    void MessageDropped(NodeName from, string channel, Exception error);
}
