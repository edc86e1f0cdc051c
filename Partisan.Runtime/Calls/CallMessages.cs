using Partisan.Serialization;

namespace Partisan;

/// <summary>
/// A request that expects one reply (OTP's <c>'$gen_call'</c>). The server answers through the
/// <see cref="CallHandle"/> made from it; the reply goes to the <see cref="Tag"/>'s node, which completes the
/// caller's task. Behaviours such as GenServer receive these in their mailbox.
/// </summary>
/// <param name="Tag">Identifies the call; its node is the caller's.</param>
/// <param name="Request">The request.</param>
public sealed record CallRequest(Ref Tag, object Request)
{
    /// <summary>The caller's trace context (from the frame header, or the caller's activity for a local call); default when untraced. Not encoded in the body.</summary>
    internal System.Diagnostics.ActivityContext TraceParent { get; set; }
}

/// <summary>A one-way request to a server (OTP's <c>'$gen_cast'</c>).</summary>
/// <param name="Request">The request.</param>
public sealed record CastRequest(object Request)
{
    /// <summary>The sender's trace context (from the frame header, or the sender's activity for a local cast); default when untraced. Not encoded in the body.</summary>
    internal System.Diagnostics.ActivityContext TraceParent { get; set; }
}

/// <summary>
/// Asks a behaviour (a GenServer or state machine) to stop with <see cref="Reason"/> (OTP's <c>gen:stop</c>). The reply
/// comes once the process has exited (terminate ran, the node removed its pid and name); a failure with the reason it
/// exited with if that is not <see cref="Reason"/>.
/// </summary>
/// <param name="Reason">The exit reason to stop with.</param>
public sealed record StopRequest(ExitReason Reason);

internal sealed class StopRequestFormatter : WireFormatter<StopRequest>
{
    public override void Write(ref WireWriter writer, StopRequest value) => writer.Write(value.Reason);

    public override StopRequest Read(ref WireReader reader) => new(reader.Read<ExitReason>());
}

/// <summary>The answer to a <see cref="CallRequest"/> (travels as a control message to the caller's node).</summary>
internal sealed record CallReply(Ref Tag, object? Value);

/// <summary>A call failed: the server was down (<c>noproc</c>), exited while handling it, or its handler threw.</summary>
internal sealed record CallFailure(Ref Tag, ExitReason Reason, string? ErrorType, string? ErrorMessage);

internal sealed class CallRequestFormatter : WireFormatter<CallRequest>
{
    public override void Write(ref WireWriter writer, CallRequest value)
    {
        writer.Write(value.Tag);
        writer.WriteObject(value.Request);
    }

    public override CallRequest Read(ref WireReader reader) =>
        new(reader.Read<Ref>(), reader.ReadObject() ?? throw new WireFormatException("A call request is null."));
}

internal sealed class CastRequestFormatter : WireFormatter<CastRequest>
{
    public override void Write(ref WireWriter writer, CastRequest value) => writer.WriteObject(value.Request);

    public override CastRequest Read(ref WireReader reader) =>
        new(reader.ReadObject() ?? throw new WireFormatException("A cast request is null."));
}

internal sealed class CallReplyFormatter : WireFormatter<CallReply>
{
    public override void Write(ref WireWriter writer, CallReply value)
    {
        writer.Write(value.Tag);
        writer.WriteObject(value.Value);
    }

    public override CallReply Read(ref WireReader reader) => new(reader.Read<Ref>(), reader.ReadObject());
}

internal sealed class CallFailureFormatter : WireFormatter<CallFailure>
{
    public override void Write(ref WireWriter writer, CallFailure value)
    {
        WireObjectScope scope = writer.BeginObject(4);
        writer.Write(value.Tag);
        writer.Write(value.Reason);
        writer.WriteString(value.ErrorType);
        writer.WriteString(value.ErrorMessage);
        writer.EndObject(scope);
    }

    public override CallFailure Read(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        if (members < 4)
        {
            throw new WireFormatException("A call failure has fewer than 4 members.");
        }

        var result = new CallFailure(reader.Read<Ref>(), reader.Read<ExitReason>(), reader.ReadString(), reader.ReadString());
        reader.EndObject(scope);
        return result;
    }
}
