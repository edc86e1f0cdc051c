using Partisan.Serialization;

namespace Partisan.Broadcast;

/// <summary>
/// The ids reserved for the broadcast engine's messages (210–229; 210–214 taken, docs/wire.md) and their registration.
/// Each message is an object: handler name (string), message id and payload (any registered type), round (varuint) and
/// root (node name), as each needs. Reading refuses an empty handler name, a missing id or payload, and more than
/// <see cref="MaxAnnouncements"/> announcements in one message with <see cref="WireFormatException"/>.
/// </summary>
internal static class BroadcastTypeIds
{
    public const uint Gossip = WireTypeIds.FirstInternal + 60;
    public const uint IHave = WireTypeIds.FirstInternal + 61;
    public const uint Prune = WireTypeIds.FirstInternal + 62;
    public const uint Graft = WireTypeIds.FirstInternal + 63;
    public const uint Exchange = WireTypeIds.FirstInternal + 64;

    /// <summary>The most announcements one <c>i_have</c> message may carry (the engine's per-peer queue is bounded below it).</summary>
    public const int MaxAnnouncements = 100_000;

    /// <summary>Registers the broadcast messages with their reserved ids.</summary>
    public static void Register(TypeRegistry registry)
    {
        registry.RegisterInternal(new GossipMessageFormatter(), Gossip);
        registry.RegisterInternal(new IHaveMessageFormatter(), IHave);
        registry.RegisterInternal(new PruneMessageFormatter(), Prune);
        registry.RegisterInternal(new GraftMessageFormatter(), Graft);
        registry.RegisterInternal(new ExchangeMessageFormatter(), Exchange);
    }

    internal static void Require(int members, int needed, string what)
    {
        if (members < needed)
        {
            throw new WireFormatException($"A broadcast {what} has {members} members; {needed} are needed.");
        }
    }

    internal static string ReadHandler(ref WireReader reader)
    {
        string? name = reader.ReadString();
        return string.IsNullOrEmpty(name) ? throw new WireFormatException("A broadcast message names no handler.") : name;
    }

    internal static object ReadRequired(ref WireReader reader, string what) =>
        reader.ReadObject() ?? throw new WireFormatException($"A broadcast message has no {what}.");

    internal static int ReadRound(ref WireReader reader)
    {
        uint round = reader.ReadVarUInt32();
        return round > int.MaxValue ? throw new WireFormatException($"A broadcast round of {round} is out of range.") : (int)round;
    }
}

internal sealed class GossipMessageFormatter : WireFormatter<GossipMessage>
{
    public override void Write(ref WireWriter writer, GossipMessage value)
    {
        WireObjectScope scope = writer.BeginObject(5);
        writer.WriteString(value.Handler);
        writer.WriteObject(value.Id);
        writer.WriteObject(value.Payload);
        writer.WriteVarUInt32((uint)value.Round);
        NodeNameFormatter.Encode(ref writer, value.Root);
        writer.EndObject(scope);
    }

    public override GossipMessage Read(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        BroadcastTypeIds.Require(members, 5, "payload");
        var result = new GossipMessage(
            BroadcastTypeIds.ReadHandler(ref reader),
            BroadcastTypeIds.ReadRequired(ref reader, "id"),
            BroadcastTypeIds.ReadRequired(ref reader, "payload"),
            BroadcastTypeIds.ReadRound(ref reader),
            NodeNameFormatter.Decode(ref reader));
        reader.EndObject(scope);
        return result;
    }
}

internal sealed class IHaveMessageFormatter : WireFormatter<IHaveMessage>
{
    public override void Write(ref WireWriter writer, IHaveMessage value)
    {
        WireObjectScope scope = writer.BeginObject(1);
        writer.WriteVarUInt32((uint)value.Entries.Length);
        foreach (IHaveEntry entry in value.Entries)
        {
            writer.WriteString(entry.Handler);
            writer.WriteObject(entry.Id);
            writer.WriteVarUInt32((uint)entry.Round);
            NodeNameFormatter.Encode(ref writer, entry.Root);
        }

        writer.EndObject(scope);
    }

    public override IHaveMessage Read(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        BroadcastTypeIds.Require(members, 1, "i_have");
        int count = reader.ReadCount("broadcast announcements", 4);
        if (count > BroadcastTypeIds.MaxAnnouncements)
        {
            throw new WireFormatException($"An i_have carries {count} announcements; at most {BroadcastTypeIds.MaxAnnouncements} are allowed.");
        }

        var entries = new IHaveEntry[count];
        for (int i = 0; i < count; i++)
        {
            entries[i] = new IHaveEntry(
                BroadcastTypeIds.ReadHandler(ref reader),
                BroadcastTypeIds.ReadRequired(ref reader, "id"),
                BroadcastTypeIds.ReadRound(ref reader),
                NodeNameFormatter.Decode(ref reader));
        }

        reader.EndObject(scope);
        return new IHaveMessage(entries);
    }
}

internal sealed class PruneMessageFormatter : WireFormatter<PruneMessage>
{
    public override void Write(ref WireWriter writer, PruneMessage value)
    {
        WireObjectScope scope = writer.BeginObject(2);
        writer.WriteString(value.Handler);
        NodeNameFormatter.Encode(ref writer, value.Root);
        writer.EndObject(scope);
    }

    public override PruneMessage Read(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        BroadcastTypeIds.Require(members, 2, "prune");
        var result = new PruneMessage(BroadcastTypeIds.ReadHandler(ref reader), NodeNameFormatter.Decode(ref reader));
        reader.EndObject(scope);
        return result;
    }
}

internal sealed class GraftMessageFormatter : WireFormatter<GraftMessage>
{
    public override void Write(ref WireWriter writer, GraftMessage value)
    {
        WireObjectScope scope = writer.BeginObject(4);
        writer.WriteString(value.Handler);
        writer.WriteObject(value.Id);
        writer.WriteVarUInt32((uint)value.Round);
        NodeNameFormatter.Encode(ref writer, value.Root);
        writer.EndObject(scope);
    }

    public override GraftMessage Read(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        BroadcastTypeIds.Require(members, 4, "graft");
        var result = new GraftMessage(
            BroadcastTypeIds.ReadHandler(ref reader),
            BroadcastTypeIds.ReadRequired(ref reader, "id"),
            BroadcastTypeIds.ReadRound(ref reader),
            NodeNameFormatter.Decode(ref reader));
        reader.EndObject(scope);
        return result;
    }
}

internal sealed class ExchangeMessageFormatter : WireFormatter<ExchangeMessage>
{
    public override void Write(ref WireWriter writer, ExchangeMessage value)
    {
        WireObjectScope scope = writer.BeginObject(4);
        writer.WriteString(value.Handler);
        writer.WriteVarInt64(value.Session);
        writer.WriteBool(value.FromInitiator);
        writer.WriteObject(value.Body);
        writer.EndObject(scope);
    }

    public override ExchangeMessage Read(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        BroadcastTypeIds.Require(members, 4, "exchange");
        var result = new ExchangeMessage(BroadcastTypeIds.ReadHandler(ref reader), reader.ReadVarInt64(), reader.ReadBool(), reader.ReadObject());
        reader.EndObject(scope);
        return result;
    }
}
