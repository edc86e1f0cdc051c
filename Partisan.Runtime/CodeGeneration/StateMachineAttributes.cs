namespace Partisan;

/// <summary>
/// Names the event a <see cref="CallAttribute"/> or <see cref="CastAttribute"/> handler of a
/// <see cref="PartisanStateMachineAttribute"/> class handles, when the method is named after its state: the event
/// message and the typed client's method are named after it. Handlers of one event in several states share it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class EventAttribute : Attribute
{
    /// <summary>Names the event <paramref name="name"/>.</summary>
    /// <param name="name">A C# identifier, e.g. <c>"Button"</c>.</param>
    public EventAttribute(string name) => Name = name;

    /// <summary>The event's name.</summary>
    public string Name { get; }
}

/// <summary>
/// Marks a handler of a <see cref="PartisanStateMachineAttribute"/> class that handles its event in every state
/// (OTP's <c>handle_common</c>); a handler for the event in the current state is tried first.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class AnyStateAttribute : Attribute
{
}

/// <summary>
/// Names a state a handler of a <see cref="PartisanStateMachineAttribute"/> class handles, instead of naming the
/// method after it (so two handlers with the same parameters can stand apart). Repeat it for several states.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = true)]
public sealed class InStateAttribute : Attribute
{
    /// <summary>The handler handles <paramref name="state"/>.</summary>
    /// <param name="state">A member of the machine's state enum.</param>
    public InStateAttribute(object state) => State = state;

    /// <summary>The state.</summary>
    public object State { get; }
}

/// <summary>
/// Marks a state enter handler (OTP's state enter call), run when the machine enters its state (and on a repeat)
/// if the machine has <see cref="PartisanStateMachineAttribute.StateEnter"/>. Its parameters of the state type: in a
/// handler of one state (named after it, or <see cref="InStateAttribute"/>), one parameter is the <b>previous</b> state;
/// under <see cref="AnyStateAttribute"/> (and in <see cref="StateMachineMode.HandleEvent"/> mode) the first is the
/// <b>current</b> state (the one just entered) and a second, if any, the previous one. It may also take the
/// <c>GenStatemContext</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class EnterAttribute : Attribute
{
}

/// <summary>Marks the handler of the state timeout (set with <c>.StateTimeout(after, content)</c>). It may take the content.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class StateTimeoutAttribute : Attribute
{
}

/// <summary>Marks the handler of the event timeout (set with <c>.EventTimeout(after, content)</c>). It may take the content.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class EventTimeoutAttribute : Attribute
{
}

/// <summary>Marks the handler of the generic timeout <see cref="Name"/> (set with <c>.GenericTimeout(name, after, content)</c>). It may take the content.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class GenericTimeoutAttribute : Attribute
{
    /// <summary>Handles the generic timeout <paramref name="name"/>.</summary>
    /// <param name="name">The timeout's name.</param>
    public GenericTimeoutAttribute(string name) => Name = name;

    /// <summary>The timeout's name.</summary>
    public string Name { get; }
}

/// <summary>
/// Marks the handler of events a state machine inserted itself with <c>.NextEvent(content)</c> (OTP's
/// <c>internal</c> events) whose content is of the handler's single parameter's type.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class InternalAttribute : Attribute
{
}
