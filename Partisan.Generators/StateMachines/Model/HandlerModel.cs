using Partisan.Generators.Helpers;

namespace Partisan.Generators.StateMachines.Model;

/// <summary>What a handler handles.</summary>
internal enum HandlerKind
{
    Call,
    Cast,
    Info,
    Internal,
    Enter,
    StateTimeout,
    EventTimeout,
    GenericTimeout,
}

/// <summary>What a handler (or init) returns, once awaited.</summary>
internal enum ReturnKind
{
    /// <summary>Nothing: keep state and data.</summary>
    Void,

    /// <summary>A <c>Transition&lt;TState&gt;</c>.</summary>
    Transition,

    /// <summary>A call's reply; keep state and data.</summary>
    Reply,

    /// <summary>A tuple of a transition and a call's reply.</summary>
    TransitionAndReply,

    /// <summary>A state (init only).</summary>
    State,
}

/// <summary>Where a handler's argument comes from.</summary>
internal enum ArgumentKind
{
    /// <summary>The current state.</summary>
    State,

    /// <summary>The <c>GenStatemContext</c>.</summary>
    Context,

    /// <summary>A field of the event message (<see cref="ArgumentModel.Field"/> names it).</summary>
    Field,

    /// <summary>The event's content, of <see cref="ArgumentModel.TypeName"/> (timeouts, info, internal events).</summary>
    Content,

    /// <summary>The previous state (state enter calls).</summary>
    OldState,

    /// <summary>The exit reason (terminate).</summary>
    Reason,

    /// <summary>The call's <c>Caller&lt;TReply&gt;</c>, of reply type <see cref="ArgumentModel.TypeName"/>.</summary>
    Caller,
}

/// <summary>One argument of a handler call.</summary>
/// <param name="Kind">Where it comes from.</param>
/// <param name="Field">For <see cref="ArgumentKind.Field"/>: the payload property.</param>
/// <param name="TypeName">For <see cref="ArgumentKind.Content"/>: the type matched, or null for any content; for <see cref="ArgumentKind.Caller"/>: the reply type.</param>
internal sealed record ArgumentModel(ArgumentKind Kind, string? Field, string? TypeName);

/// <summary>One event handler.</summary>
/// <param name="Method">The method's name, as C# source.</param>
/// <param name="Kind">What it handles.</param>
/// <param name="States">The states it handles; empty for every state.</param>
/// <param name="Event">For calls and casts: the event's name.</param>
/// <param name="TimeoutName">For generic timeouts: the timeout's name.</param>
/// <param name="ContentType">The content type matched (info and internal events, typed timeout content), or null.</param>
/// <param name="Arguments">The method's arguments, in order.</param>
/// <param name="Return">What it returns.</param>
/// <param name="Awaited">It returns a Task or ValueTask.</param>
internal sealed record HandlerModel(
    string Method,
    HandlerKind Kind,
    EquatableArray<string> States,
    string? Event,
    string? TimeoutName,
    string? ContentType,
    EquatableArray<ArgumentModel> Arguments,
    ReturnKind Return,
    bool Awaited);

/// <summary>The [Init] or [Terminate] method.</summary>
/// <param name="Method">The method's name, as C# source.</param>
/// <param name="Arguments">Its arguments.</param>
/// <param name="Return">What it returns (init: a state or a transition).</param>
/// <param name="Awaited">It returns a Task or ValueTask.</param>
internal sealed record CallbackModel(string Method, EquatableArray<ArgumentModel> Arguments, ReturnKind Return, bool Awaited);
