using Partisan.Generators.Helpers;
using Partisan.Generators.Payloads;

namespace Partisan.Generators.Server.Model;

/// <summary>A [Call] or [Cast] method: its request payload, how to invoke it, and its client method.</summary>
/// <param name="IsCall">A call (waits for a reply) rather than a cast.</param>
/// <param name="MethodName">The server method, as C# source.</param>
/// <param name="ClientMethodName">The client method (<c>AddAsync</c> for a call <c>Add</c>, <c>Reset</c> for a cast <c>Reset</c>).</param>
/// <param name="Request">The request message.</param>
/// <param name="Arguments">The method's parameters in order, each a request field or an injected value.</param>
/// <param name="Returns">The shape of the method's result.</param>
/// <param name="ReplyType">The reply type (<c>global::</c>-qualified) for calls that return a value or defer one; null otherwise.</param>
/// <param name="ClientParameters">The client method's parameters (sent ones only), as C# source, each with its default value when it has one.</param>
/// <param name="ClientParametersNoDefaults">The same without default values (for the overload that takes a timeout).</param>
/// <param name="TimeoutName">The client's timeout parameter name (<c>timeout</c> unless a sent parameter has that name).</param>
/// <param name="CancellationName">The client's cancellation parameter name.</param>
internal sealed record HandlerModel(
    bool IsCall,
    string MethodName,
    string ClientMethodName,
    PayloadModel Request,
    EquatableArray<ArgumentModel> Arguments,
    ReturnShape Returns,
    string? ReplyType,
    string ClientParameters,
    string ClientParametersNoDefaults,
    string TimeoutName,
    string CancellationName);

/// <summary>An info handler: the message type it takes and how to invoke it.</summary>
/// <param name="MethodName">The method, as C# source.</param>
/// <param name="MessageType">The type matched, <c>global::</c>-qualified without nullable annotation.</param>
/// <param name="Arguments">The parameters in order: the message, or injected values.</param>
/// <param name="Returns">The shape of the result (void, Task or ValueTask).</param>
internal sealed record InfoModel(string MethodName, string MessageType, EquatableArray<ArgumentModel> Arguments, ReturnShape Returns);

/// <summary>The [Init] or [Terminate] method.</summary>
/// <param name="MethodName">The method, as C# source.</param>
/// <param name="Arguments">Its parameters (injected: context, exit reason).</param>
/// <param name="Returns">void, Task or ValueTask.</param>
internal sealed record LifecycleModel(string MethodName, EquatableArray<ArgumentModel> Arguments, ReturnShape Returns);

/// <summary>Where one argument of a handler call comes from.</summary>
/// <param name="Source">The kind of value.</param>
/// <param name="Field">For <see cref="ArgumentSource.Field"/>, the request property name.</param>
/// <param name="TypeName">For <see cref="ArgumentSource.ReplyTo"/>, the reply type.</param>
internal sealed record ArgumentModel(ArgumentSource Source, string? Field, string? TypeName);

/// <summary>The kinds of handler arguments.</summary>
internal enum ArgumentSource
{
    /// <summary>A field of the request.</summary>
    Field,

    /// <summary>The server's <c>GenServerContext</c>.</summary>
    Context,

    /// <summary>A <c>ReplyTo&lt;T&gt;</c> for a deferred reply.</summary>
    ReplyTo,

    /// <summary>The info message itself.</summary>
    Message,

    /// <summary>The exit reason (terminate).</summary>
    ExitReason,
}

/// <summary>What a handler method returns.</summary>
internal enum ReturnShape
{
    /// <summary><c>void</c>.</summary>
    Void,

    /// <summary>A value.</summary>
    Value,

    /// <summary><c>Task</c>.</summary>
    Task,

    /// <summary><c>Task&lt;T&gt;</c>.</summary>
    TaskOfT,

    /// <summary><c>ValueTask</c>.</summary>
    ValueTask,

    /// <summary><c>ValueTask&lt;T&gt;</c>.</summary>
    ValueTaskOfT,
}
