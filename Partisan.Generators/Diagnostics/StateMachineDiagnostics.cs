using Microsoft.CodeAnalysis;

namespace Partisan.Generators.Diagnostics;

/// <summary>
/// The diagnostics of the [PartisanStateMachine] generator: PARTISAN030–039. It also reports the shared
/// PARTISAN010 (not partial), 011 (class shape), 012 (a call that returns void), 013 (a value that cannot be
/// sent), 014 (a cast that returns a value), 015 (handler shape) and 016 (missing reference) of <see cref="ServerDiagnostics"/>.
/// </summary>
internal static class StateMachineDiagnostics
{
    public const string UnknownStateId = "PARTISAN030";
    public const string DuplicateHandlerId = "PARTISAN031";
    public const string MissingInitId = "PARTISAN032";
    public const string EventNameRequiredId = "PARTISAN033";
    public const string EventMismatchId = "PARTISAN034";
    public const string CallNeverRepliesId = "PARTISAN035";
    public const string EnterWithoutStateEnterId = "PARTISAN036";

    /// <summary>"The handler '{0}' is for '{1}', which is not a state of '{2}': name a handler after a state, or mark it [InState(...)] or [AnyState]".</summary>
    public static readonly DiagnosticDescriptor UnknownState = DiagnosticDescriptors.Create(
        UnknownStateId,
        "Handler for an unknown state",
        "The handler '{0}' is for '{1}', which is not a state of '{2}': name a handler after a state, or mark it [InState(...)] or [AnyState]");

    /// <summary>"'{0}' handles {1} in {2}, as '{3}' already does: an event has one handler per state".</summary>
    public static readonly DiagnosticDescriptor DuplicateHandler = DiagnosticDescriptors.Create(
        DuplicateHandlerId,
        "The same event is handled twice in one state",
        "'{0}' handles {1} in {2}, as '{3}' already does: an event has one handler per state");

    /// <summary>"'{0}' has no [Init] method: add one that returns the initial state (a '{1}') or a Transition&lt;{1}&gt;".</summary>
    public static readonly DiagnosticDescriptor MissingInit = DiagnosticDescriptors.Create(
        MissingInitId,
        "No initial state",
        "'{0}' has no [Init] method: add one that returns the initial state (a '{1}') or a Transition<{1}>");

    /// <summary>"The [{0}] handler '{1}' is named after its state, so it must name its event: add [Event(\"...\")]".</summary>
    public static readonly DiagnosticDescriptor EventNameRequired = DiagnosticDescriptors.Create(
        EventNameRequiredId,
        "A handler named after its state does not name its event",
        "The [{0}] handler '{1}' is named after its state, so it must name its event: add [Event(\"...\")]");

    /// <summary>"'{0}' handles the event '{1}' unlike '{2}': {3}".</summary>
    public static readonly DiagnosticDescriptor EventMismatch = DiagnosticDescriptors.Create(
        EventMismatchId,
        "Handlers of one event disagree",
        "'{0}' handles the event '{1}' unlike '{2}': {3}");

    /// <summary>"No handler of the call event '{0}' gives a reply: return the reply, or a (Transition&lt;{1}&gt;, reply) tuple, from at least one".</summary>
    public static readonly DiagnosticDescriptor CallNeverReplies = DiagnosticDescriptors.Create(
        CallNeverRepliesId,
        "A call event has no reply type",
        "No handler of the call event '{0}' gives a reply: return the reply, or a (Transition<{1}>, reply) tuple, from at least one");

    /// <summary>"'{0}' is an [Enter] handler, but '{1}' does not set StateEnter = true, so it would never run".</summary>
    public static readonly DiagnosticDescriptor EnterWithoutStateEnter = DiagnosticDescriptors.Create(
        EnterWithoutStateEnterId,
        "State enter handler without state enter calls",
        "'{0}' is an [Enter] handler, but '{1}' does not set StateEnter = true, so it would never run");

    /// <summary>The descriptor with <paramref name="id"/>, or null when it is not one of these.</summary>
    public static DiagnosticDescriptor? Find(string id) => id switch
    {
        UnknownStateId => UnknownState,
        DuplicateHandlerId => DuplicateHandler,
        MissingInitId => MissingInit,
        EventNameRequiredId => EventNameRequired,
        EventMismatchId => EventMismatch,
        CallNeverRepliesId => CallNeverReplies,
        EnterWithoutStateEnterId => EnterWithoutStateEnter,
        _ => null,
    };
}
