namespace Partisan;

/// <summary>
/// The callbacks of a gen_server (OTP semantics): one message at a time, in arrival order; async handlers
/// are awaited before the next message. <c>[PartisanServer]</c> classes get this implemented by the
/// generator; hand-written servers can derive from <see cref="GenServer"/>.
/// </summary>
public interface IGenServer
{
    /// <summary>Runs before the first message; <see cref="GenServer.StartAsync"/> returns once it completes. Throwing fails the start.</summary>
    ValueTask InitAsync(GenServerContext context);

    /// <summary>Handles a call; return <see cref="CallResult.Reply"/>, <see cref="CallResult.NoReply"/> (answer later through <paramref name="from"/>), or a stop.</summary>
    ValueTask<CallResult> HandleCallAsync(object request, CallHandle from, GenServerContext context);

    /// <summary>Handles a cast.</summary>
    ValueTask HandleCastAsync(object request, GenServerContext context);

    /// <summary>Handles any other message (monitors' <see cref="Down"/>, plain sends).</summary>
    ValueTask HandleInfoAsync(object message, GenServerContext context);

    /// <summary>Runs when the server stops, with the reason (not when its node crashes).</summary>
    ValueTask TerminateAsync(ExitReason reason, GenServerContext context);
}
