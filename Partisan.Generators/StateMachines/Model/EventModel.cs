using Partisan.Generators.Payloads;

namespace Partisan.Generators.StateMachines.Model;

/// <summary>One call or cast event: its message (a payload from the handler's parameters) and, for calls, the reply type.</summary>
/// <param name="Name">The event's name (the client method's name).</param>
/// <param name="IsCall">A call (the client waits for the reply) rather than a cast.</param>
/// <param name="ReplyType">The reply type, <c>global::</c>-qualified (calls only).</param>
/// <param name="Payload">The event message.</param>
internal sealed record EventModel(string Name, bool IsCall, string? ReplyType, PayloadModel Payload);
