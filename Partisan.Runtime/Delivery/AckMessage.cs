using Partisan.Serialization;

namespace Partisan.Delivery;

/// <summary>
/// Receiver → sender: the message with <paramref name="Sequence"/> of the sender's run <paramref name="Epoch"/> has reached
/// this node (delivered now, or before: a duplicate is acknowledged again). A control message on the channel it came on.
/// </summary>
internal sealed record AckMessage(ulong Epoch, ulong Sequence);

/// <summary>Ids of the delivery subsystem's messages (docs/wire.md).</summary>
internal static class DeliveryTypeIds
{
    public const uint Ack = WireTypeIds.FirstInternal + 20;

    /// <summary>Registers the delivery messages with their reserved ids.</summary>
    public static void Register(TypeRegistry registry) => registry.RegisterInternal(new AckMessageFormatter(), Ack);
}

internal sealed class AckMessageFormatter : WireFormatter<AckMessage>
{
    public override void Write(ref WireWriter writer, AckMessage value)
    {
        WireObjectScope scope = writer.BeginObject(2);
        writer.WriteVarUInt64(value.Epoch);
        writer.WriteVarUInt64(value.Sequence);
        writer.EndObject(scope);
    }

    public override AckMessage Read(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        if (members < 2)
        {
            throw new WireFormatException($"An acknowledgement has {members} members; 2 are needed.");
        }

        var result = new AckMessage(reader.ReadVarUInt64(), reader.ReadVarUInt64());
        reader.EndObject(scope);
        return result;
    }
}
