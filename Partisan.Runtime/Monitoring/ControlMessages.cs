using Partisan.Serialization;

namespace Partisan.Monitoring;

/// <summary>Watcher's node → target's node: start monitoring <paramref name="Target"/> for <paramref name="Watcher"/>.</summary>
internal sealed record MonitorRequest(Ref MonitorRef, Pid Watcher, ProcessRef Target);

/// <summary>Watcher's node → target's node: stop the monitor.</summary>
internal sealed record DemonitorRequest(Ref MonitorRef, ProcessRef Target);

/// <summary>Target's node → watcher's node: the monitored process went down.</summary>
internal sealed record DownNotice(Ref MonitorRef, Pid Watcher, ProcessRef Target, ExitReason Reason);

/// <summary>Any node → target's node: make the target exit with a reason.</summary>
internal sealed record ExitSignal(ProcessRef Target, ExitReason Reason);

/// <summary>A message of the membership strategy, routed to it on the receiving node.</summary>
internal sealed record MembershipMessage(object Payload);

/// <summary>Ids of the runtime's control messages.</summary>
internal static class ControlTypeIds
{
    public const uint MonitorRequest = WireTypeIds.FirstInternal + 10;
    public const uint DemonitorRequest = WireTypeIds.FirstInternal + 11;
    public const uint DownNotice = WireTypeIds.FirstInternal + 12;
    public const uint ExitSignal = WireTypeIds.FirstInternal + 13;
    public const uint MembershipMessage = WireTypeIds.FirstInternal + 14;

    public static void Register(TypeRegistry registry)
    {
        registry.RegisterInternal(new MonitorRequestFormatter(), MonitorRequest);
        registry.RegisterInternal(new DemonitorRequestFormatter(), DemonitorRequest);
        registry.RegisterInternal(new DownNoticeFormatter(), DownNotice);
        registry.RegisterInternal(new ExitSignalFormatter(), ExitSignal);
        registry.RegisterInternal(new MembershipMessageFormatter(), MembershipMessage);
    }
}

internal sealed class MonitorRequestFormatter : WireFormatter<MonitorRequest>
{
    public override void Write(ref WireWriter writer, MonitorRequest value)
    {
        WireObjectScope scope = writer.BeginObject(3);
        writer.Write(value.MonitorRef);
        writer.Write(value.Watcher);
        writer.Write(value.Target);
        writer.EndObject(scope);
    }

    public override MonitorRequest Read(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        Require(members, 3);
        var result = new MonitorRequest(reader.Read<Ref>(), reader.Read<Pid>(), reader.Read<ProcessRef>());
        reader.EndObject(scope);
        return result;
    }

    internal static void Require(int members, int needed)
    {
        if (members < needed)
        {
            throw new WireFormatException($"A control message has {members} members; {needed} are needed.");
        }
    }
}

internal sealed class DemonitorRequestFormatter : WireFormatter<DemonitorRequest>
{
    public override void Write(ref WireWriter writer, DemonitorRequest value)
    {
        WireObjectScope scope = writer.BeginObject(2);
        writer.Write(value.MonitorRef);
        writer.Write(value.Target);
        writer.EndObject(scope);
    }

    public override DemonitorRequest Read(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        MonitorRequestFormatter.Require(members, 2);
        var result = new DemonitorRequest(reader.Read<Ref>(), reader.Read<ProcessRef>());
        reader.EndObject(scope);
        return result;
    }
}

internal sealed class DownNoticeFormatter : WireFormatter<DownNotice>
{
    public override void Write(ref WireWriter writer, DownNotice value)
    {
        WireObjectScope scope = writer.BeginObject(4);
        writer.Write(value.MonitorRef);
        writer.Write(value.Watcher);
        writer.Write(value.Target);
        writer.Write(value.Reason);
        writer.EndObject(scope);
    }

    public override DownNotice Read(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        MonitorRequestFormatter.Require(members, 4);
        var result = new DownNotice(reader.Read<Ref>(), reader.Read<Pid>(), reader.Read<ProcessRef>(), reader.Read<ExitReason>());
        reader.EndObject(scope);
        return result;
    }
}

internal sealed class ExitSignalFormatter : WireFormatter<ExitSignal>
{
    public override void Write(ref WireWriter writer, ExitSignal value)
    {
        WireObjectScope scope = writer.BeginObject(2);
        writer.Write(value.Target);
        writer.Write(value.Reason);
        writer.EndObject(scope);
    }

    public override ExitSignal Read(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        MonitorRequestFormatter.Require(members, 2);
        var result = new ExitSignal(reader.Read<ProcessRef>(), reader.Read<ExitReason>());
        reader.EndObject(scope);
        return result;
    }
}

internal sealed class MembershipMessageFormatter : WireFormatter<MembershipMessage>
{
    public override void Write(ref WireWriter writer, MembershipMessage value) => writer.WriteObject(value.Payload);

    public override MembershipMessage Read(ref WireReader reader) =>
        new(reader.ReadObject() ?? throw new WireFormatException("A membership message is empty."));
}
