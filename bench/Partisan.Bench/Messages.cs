using Partisan;
using Partisan.Serialization;

namespace Partisan.Bench;

/// <summary>Ping-pong request: the echo process sends <see cref="Payload"/> back to <see cref="ReplyTo"/>.</summary>
internal sealed record Echo(Pid ReplyTo, byte[] Payload);

internal sealed class EchoFormatter : WireFormatter<Echo>
{
    public override void Write(ref WireWriter writer, Echo value)
    {
        writer.Write(value.ReplyTo);
        writer.WriteBytes(value.Payload);
    }

    public override Echo Read(ref WireReader reader) => new(reader.Read<Pid>(), reader.ReadBytes() ?? []);
}

internal static class BenchTypes
{
    public static void Register() => TypeRegistry.Default.Register(new EchoFormatter(), 1_000_001);
}
