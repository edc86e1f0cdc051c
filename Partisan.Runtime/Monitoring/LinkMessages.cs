using Partisan.Serialization;

namespace Partisan.Monitoring;

/// <summary><paramref name="From"/>'s node → <paramref name="To"/>'s node: link the two (answered by a <c>noproc</c> signal if <paramref name="To"/> is gone).</summary>
internal sealed record LinkRequest(Pid From, Pid To);

/// <summary><paramref name="From"/>'s node → <paramref name="To"/>'s node: remove the link between the two.</summary>
internal sealed record UnlinkRequest(Pid From, Pid To);

/// <summary>
/// An exit signal with a sender: <paramref name="Linked"/> when a linked process exited (the receiver drops the link,
/// and ignores the signal if the link is already gone), otherwise Erlang's <c>exit(Target, Reason)</c> sent by <paramref name="From"/>.
/// </summary>
internal sealed record ExitSignalFrom(Pid From, ProcessRef Target, ExitReason Reason, bool Linked);

/// <summary>Ids and formatters of the link messages, in the monitoring range (160–169).</summary>
internal static class LinkTypeIds
{
    public const uint LinkRequest = WireTypeIds.FirstInternal + 15;
    public const uint UnlinkRequest = WireTypeIds.FirstInternal + 16;
    public const uint ExitSignalFrom = WireTypeIds.FirstInternal + 17;

    public static void Register(TypeRegistry registry)
    {
        registry.RegisterInternal(new LinkRequestFormatter(), LinkRequest);
        registry.RegisterInternal(new UnlinkRequestFormatter(), UnlinkRequest);
        registry.RegisterInternal(new ExitSignalFromFormatter(), ExitSignalFrom);
    }
}

internal sealed class LinkRequestFormatter : WireFormatter<LinkRequest>
{
    public override void Write(ref WireWriter writer, LinkRequest value)
    {
        WireObjectScope scope = writer.BeginObject(2);
        writer.Write(value.From);
        writer.Write(value.To);
        writer.EndObject(scope);
    }

    public override LinkRequest Read(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        MonitorRequestFormatter.Require(members, 2);
        var result = new LinkRequest(reader.Read<Pid>(), reader.Read<Pid>());
        reader.EndObject(scope);
        return result;
    }
}

internal sealed class UnlinkRequestFormatter : WireFormatter<UnlinkRequest>
{
    public override void Write(ref WireWriter writer, UnlinkRequest value)
    {
        WireObjectScope scope = writer.BeginObject(2);
        writer.Write(value.From);
        writer.Write(value.To);
        writer.EndObject(scope);
    }

    public override UnlinkRequest Read(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        MonitorRequestFormatter.Require(members, 2);
        var result = new UnlinkRequest(reader.Read<Pid>(), reader.Read<Pid>());
        reader.EndObject(scope);
        return result;
    }
}

internal sealed class ExitSignalFromFormatter : WireFormatter<ExitSignalFrom>
{
    public override void Write(ref WireWriter writer, ExitSignalFrom value)
    {
        WireObjectScope scope = writer.BeginObject(4);
        writer.Write(value.From);
        writer.Write(value.Target);
        writer.Write(value.Reason);
        writer.WriteBool(value.Linked);
        writer.EndObject(scope);
    }

    public override ExitSignalFrom Read(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        MonitorRequestFormatter.Require(members, 4);
        var result = new ExitSignalFrom(reader.Read<Pid>(), reader.Read<ProcessRef>(), reader.Read<ExitReason>(), reader.ReadBool());
        reader.EndObject(scope);
        return result;
    }
}
