using Partisan;
using Partisan.Serialization;

namespace Partisan.Bench;

/// <summary>Ping-pong request: the echo process sends <see cref="Payload"/> back to <see cref="ReplyTo"/>.</summary>
internal sealed record Echo(Pid ReplyTo, byte[] Payload);

/// <summary>
/// A large message that the server's "bulk" process acknowledges one by one: it answers <see cref="Key"/>
/// to <see cref="ReplyTo"/> on <see cref="Channel"/> with <see cref="Key"/> as the partition key, so the
/// acknowledgement travels back on the same connection. The payload is <see cref="PooledBytes"/>, as an application
/// streaming large binaries would send it: received into pooled memory and given back by the bulk process (as a
/// byte[], every 1 or 8 MiB message was a large-object allocation and a blocking gen-2 collection on the receiver).
/// </summary>
internal sealed record Bulk(Pid ReplyTo, string? Channel, int Key, PooledBytes Payload);

internal sealed class EchoFormatter : WireFormatter<Echo>
{
    public override void Write(ref WireWriter writer, Echo value)
    {
        writer.Write(value.ReplyTo);
        writer.WriteBytes(value.Payload);
    }

    public override Echo Read(ref WireReader reader) => new(reader.Read<Pid>(), reader.ReadBytes() ?? []);
}

internal sealed class BulkFormatter : WireFormatter<Bulk>
{
    public override void Write(ref WireWriter writer, Bulk value)
    {
        writer.Write(value.ReplyTo);
        writer.WriteString(value.Channel);
        writer.WriteVarInt32(value.Key);
        PayloadFormatter.Write(ref writer, value.Payload);
    }

    public override Bulk Read(ref WireReader reader) => new(reader.Read<Pid>(), reader.ReadString(), reader.ReadVarInt32(), PayloadFormatter.Read(ref reader) ?? PooledBytes.Rent(0));

    private static readonly PooledBytesFormatter PayloadFormatter = new();
}

internal static class BenchTypes
{
    public static void Register()
    {
        TypeRegistry.Default.Register(new EchoFormatter(), 1_000_001);
        TypeRegistry.Default.Register(new BulkFormatter(), 1_000_002);
    }
}
