namespace Partisan;

/// <summary>
/// Marks a <c>partial</c> class as a state machine (OTP gen_statem) whose states are the members of the
/// enum <see cref="States"/>: the Partisan.Generators source generator adds an event message per
/// <see cref="CallAttribute"/>/<see cref="CastAttribute"/> event, a dispatch switch implementing
/// <c>IGenStatem&lt;TState, TClass&gt;</c> (the class's own fields are the data), a typed client and start helpers.
/// One method marked <see cref="InitAttribute"/> returns the initial state.
/// </summary>
/// <remarks>
/// With <see cref="StateMachineMode.StateFunctions"/> (the default), a handler is named after the state it
/// handles (<c>[Cast, Event("Button")] Transition&lt;LockState&gt; Locked(char digit)</c>), or names its states
/// with <see cref="InStateAttribute"/>, or handles every state with <see cref="AnyStateAttribute"/>. With
/// <see cref="StateMachineMode.HandleEvent"/>, a handler is named after its event and takes the current state as
/// its first parameter.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class PartisanStateMachineAttribute : Attribute
{
    /// <summary>Marks a state machine whose states are the members of <paramref name="states"/>.</summary>
    /// <param name="states">An enum type.</param>
    public PartisanStateMachineAttribute(Type states) => States = states;

    /// <summary>The enum whose members are the states.</summary>
    public Type States { get; }

    /// <summary>When true, <see cref="EnterAttribute"/> handlers run on every state change and repeat (OTP's <c>state_enter</c>).</summary>
    public bool StateEnter { get; set; }

    /// <summary>How handlers are matched to states (OTP's callback mode).</summary>
    public StateMachineMode Mode { get; set; }
}

/// <summary>How the handlers of a <see cref="PartisanStateMachineAttribute"/> class are matched to states (OTP's callback mode).</summary>
public enum StateMachineMode
{
    /// <summary>OTP's <c>state_functions</c>: handlers are named after the state they handle.</summary>
    StateFunctions,

    /// <summary>OTP's <c>handle_event_function</c>: handlers are named after their event and take the state as their first parameter.</summary>
    HandleEvent,
}
