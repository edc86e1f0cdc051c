using Partisan.Generators.Helpers;

namespace Partisan.Generators.StateMachines.Model;

/// <summary>Everything the emitter needs about one [PartisanStateMachine] class, as plain values.</summary>
/// <param name="Hierarchy">Where the class is declared.</param>
/// <param name="Accessibility"><c>public</c> or <c>internal</c>: how visible the client and start helpers can be.</param>
/// <param name="StateType">The state enum, <c>global::</c>-qualified.</param>
/// <param name="States">The enum's member names, in declaration order.</param>
/// <param name="StateEnter">The machine asked for state enter calls.</param>
/// <param name="HandleEventMode">OTP's <c>handle_event_function</c> mode: handlers take the state.</param>
/// <param name="HasDefaultConstructor">An accessible parameterless constructor exists (for the factory-less start helpers).</param>
/// <param name="Init">The [Init] method.</param>
/// <param name="Terminate">The [Terminate] method, if any.</param>
/// <param name="Events">The call and cast events, in first-declaration order.</param>
/// <param name="Handlers">The handlers, in declaration order.</param>
/// <param name="EnumReplies">Reply types that are enums (registered so they can be sent on their own), sorted.</param>
internal sealed record StateMachineModel(
    HierarchyInfo Hierarchy,
    string Accessibility,
    string StateType,
    EquatableArray<string> States,
    bool StateEnter,
    bool HandleEventMode,
    bool HasDefaultConstructor,
    CallbackModel Init,
    CallbackModel? Terminate,
    EquatableArray<EventModel> Events,
    EquatableArray<HandlerModel> Handlers,
    EquatableArray<string> EnumReplies)
{
    /// <summary>The hint name of the file with the dispatch, helpers and event messages.</summary>
    public string StateMachineHintName => Hierarchy.HintName("StateMachine");

    /// <summary>The hint name of the typed client's file.</summary>
    public string ClientHintName => Hierarchy.HintName("Client");

    /// <summary>The client's simple name (<c>CodeLockClient</c>; nested types are joined with <c>_</c>).</summary>
    public string ClientName => Hierarchy.SiblingName("Client");
}
