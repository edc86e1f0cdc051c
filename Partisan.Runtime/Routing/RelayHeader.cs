using Partisan.Serialization;
using Partisan.Transport;

namespace Partisan.Routing;

/// <summary>
/// The header of a <c>Relay</c> frame (docs/wire.md): final destination, origin, hops left, and the partition key
/// the origin chose (so every hop uses the same connection index and FIFO order holds along the path). The inner
/// frame body (a <c>Message</c> or <c>Control</c> body, type byte first) follows.
/// </summary>
internal readonly record struct RelayHeader(NodeName Destination, NodeName Origin, byte HopsLeft, long Key)
{
    /// <summary>Writes the frame type and this header.</summary>
    public void Write(ref WireWriter writer)
    {
        writer.WriteByte((byte)FrameType.Relay);
        writer.WriteString(Destination.Value);
        writer.WriteString(Origin.Value);
        writer.WriteByte(HopsLeft);
        writer.WriteVarInt64(Key);
    }

    /// <summary>Reads the header after the frame type byte.</summary>
    /// <exception cref="ProtocolException">The header is malformed.</exception>
    public static RelayHeader Read(ref WireReader reader)
    {
        try
        {
            string? destination = reader.ReadString();
            string? origin = reader.ReadString();
            byte hops = reader.ReadByte();
            long key = reader.ReadVarInt64();
            if (!NodeName.TryParse(destination, out NodeName to) || !NodeName.TryParse(origin, out NodeName from))
            {
                throw new ProtocolException("Malformed relay header: bad node name.");
            }

            return new RelayHeader(to, from, hops, key);
        }
        catch (WireFormatException ex)
        {
            throw new ProtocolException("Malformed relay header: " + ex.Message, ex);
        }
    }
}
