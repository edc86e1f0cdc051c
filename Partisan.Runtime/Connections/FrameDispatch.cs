using Partisan.Channels;
using Partisan.Serialization;
using Partisan.Transport;

namespace Partisan.Connections;

/// <summary>Decodes the body of a <c>Message</c> or <c>Control</c> frame and hands it to an <see cref="IInboundHandler"/>; shared by connections and by relay.</summary>
internal static class FrameDispatch
{
    /// <summary>
    /// Decodes a message frame (after its type byte) that arrived on a connection accepting <paramref name="allowed"/>
    /// flags (<see cref="MessageCodec.FlagsFor"/>); returns true when a message was handed on.
    /// </summary>
    /// <exception cref="ProtocolException">The header is malformed (the connection closes).</exception>
    public static bool Message(ref WireReader reader, MessageCodec codec, NodeName self, NodeName from, ChannelOptions channel, MessageFlags allowed, IInboundHandler inbound)
    {
        MessageFlags flags = MessageCodec.ReadHeader(ref reader, self, allowed, out ProcessRef target, out FrameExtensions extensions);
        object? message;
        try
        {
            message = codec.ReadPayload(ref reader, flags, channel);
        }
        catch (Exception ex) when (ex is WireFormatException or TypeRegistrationException)
        {
            inbound.MessageDropped(from, channel.Name, ex);
            return false;
        }

        inbound.DeliverMessage(from, target, message, in extensions);
        return true;
    }

    /// <summary>Decodes a control frame (after its type byte).</summary>
    public static void Control(ref WireReader reader, NodeName from, string channel, IInboundHandler inbound)
    {
        object? message;
        try
        {
            message = reader.ReadObject();
        }
        catch (Exception ex) when (ex is WireFormatException or TypeRegistrationException)
        {
            inbound.MessageDropped(from, channel, ex);
            return;
        }

        inbound.HandleControl(from, message);
    }
}
