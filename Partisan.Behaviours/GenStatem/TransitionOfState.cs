using System.Collections.Immutable;

namespace Partisan;

/// <summary>
/// What a <c>[PartisanStateMachine]</c> handler returns: the next state (or keep, repeat, stop) and the actions,
/// without data (the machine's own fields are its data, changed in place). <c>default</c> keeps state and data.
/// The generated helpers <c>Next(state)</c>, <c>Keep()</c>, <c>Repeat()</c> and <c>Stop(reason)</c> create one;
/// the fluent actions add to it: <c>.Reply(caller, value)</c>, <c>.Postpone()</c>, <c>.NextEvent(content)</c>, <c>.EventTimeout(after)</c>,
/// <c>.StateTimeout(after)</c>, <c>.GenericTimeout(name, after)</c>, <c>.Hibernate()</c>.
/// </summary>
/// <typeparam name="TState">The state type.</typeparam>
public readonly struct Transition<TState> : IEquatable<Transition<TState>>
{
    private readonly byte _kind; // TransitionKind + 1, so that default is Keep
    private readonly ImmutableList<StatemAction>? _actions;

    private Transition(TransitionKind kind, TState state, ExitReason? stopReason, ImmutableList<StatemAction>? actions)
    {
        _kind = (byte)(kind + 1);
        State = state;
        StopReason = stopReason;
        _actions = actions;
    }

    /// <summary>The kind of transition.</summary>
    public TransitionKind Kind => _kind == 0 ? TransitionKind.Keep : (TransitionKind)(_kind - 1);

    /// <summary>The next state (for <see cref="TransitionKind.Next"/>).</summary>
    public TState State { get; }

    /// <summary>Why the machine stops (for <see cref="TransitionKind.Stop"/>).</summary>
    public ExitReason? StopReason { get; }

    /// <summary>The actions, in order.</summary>
    public ImmutableList<StatemAction> Actions => _actions ?? ImmutableList<StatemAction>.Empty;

    /// <summary>Go to <paramref name="state"/> (<c>next_state</c>; a state change when it differs).</summary>
    public static Transition<TState> Next(TState state) => new(TransitionKind.Next, state, null, null);

    /// <summary>Stay in the current state (<c>keep_state_and_data</c>).</summary>
    public static Transition<TState> Keep() => default;

    /// <summary>Stay, as if re-entering the state: the enter handler runs again and postponed events are retried (<c>repeat_state_and_data</c>).</summary>
    public static Transition<TState> Repeat() => new(TransitionKind.Repeat, default!, null, null);

    /// <summary>Stop with <paramref name="reason"/> (<c>stop</c>).</summary>
    public static Transition<TState> Stop(ExitReason reason) => new(TransitionKind.Stop, default!, reason ?? throw new ArgumentNullException(nameof(reason)), null);

    private Transition<TState> With(StatemAction action) => new(Kind, State, StopReason, Actions.Add(action));

    /// <summary>Reply <paramref name="value"/> to <paramref name="caller"/> (the current call's, or one kept from an earlier event).</summary>
    /// <typeparam name="TReply">The reply type.</typeparam>
    public Transition<TState> Reply<TReply>(Caller<TReply> caller, TReply value) => With(new StatemAction.Reply(caller.From, value));

    /// <summary>Fail <paramref name="caller"/>'s call with <paramref name="error"/> (the caller gets a <see cref="CallFailedException"/>); the machine keeps running.</summary>
    /// <typeparam name="TReply">The reply type.</typeparam>
    public Transition<TState> Fail<TReply>(Caller<TReply> caller, Exception error) => With(new StatemAction.FailCall(caller.From, error ?? throw new ArgumentNullException(nameof(error))));

    /// <summary>Postpone the current event until the state changes.</summary>
    public Transition<TState> Postpone() => With(new StatemAction.Postpone());

    /// <summary>Handle <paramref name="content"/> as an event of <paramref name="type"/> before any other event.</summary>
    public Transition<TState> NextEvent(object? content, EventType type = EventType.Internal) => With(new StatemAction.NextEvent(type, content));

    /// <summary>Fire an event timeout with <paramref name="content"/> unless an event arrives within <paramref name="after"/> (null cancels).</summary>
    public Transition<TState> EventTimeout(TimeSpan? after, object? content = null) => With(new StatemAction.SetEventTimeout(after, content));

    /// <summary>Fire a state timeout with <paramref name="content"/> unless the state changes within <paramref name="after"/> (null cancels).</summary>
    public Transition<TState> StateTimeout(TimeSpan? after, object? content = null) => With(new StatemAction.SetStateTimeout(after, content));

    /// <summary>Fire the generic timeout <paramref name="name"/> after <paramref name="after"/> (restarts it if running; null cancels).</summary>
    public Transition<TState> GenericTimeout(string name, TimeSpan? after, object? content = null) => With(new StatemAction.SetGenericTimeout(name, after, content));

    /// <summary>Hibernate (a no-op here).</summary>
    public Transition<TState> Hibernate() => With(new StatemAction.Hibernate());

    /// <summary>The engine's transition for a machine whose data is <typeparamref name="TData"/> and never replaced (generated code calls this).</summary>
    /// <typeparam name="TData">The data type.</typeparam>
    public Transition<TState, TData> KeepingData<TData>()
    {
        Transition<TState, TData> transition = Kind switch
        {
            TransitionKind.Next => Transition<TState, TData>.NextKeepData(State),
            TransitionKind.Repeat => Transition<TState, TData>.RepeatStateAndData,
            TransitionKind.Stop => Transition<TState, TData>.Stop(StopReason!),
            _ => Transition<TState, TData>.KeepStateAndData,
        };
        return _actions is null ? transition : transition.WithActions(_actions);
    }

    /// <summary>The engine's transition with <paramref name="data"/> as the machine's data (generated code calls this for init, with the machine itself).</summary>
    /// <typeparam name="TData">The data type.</typeparam>
    public Transition<TState, TData> WithData<TData>(TData data)
    {
        Transition<TState, TData> transition = Kind switch
        {
            TransitionKind.Next => Transition<TState, TData>.Next(State, data),
            TransitionKind.Repeat => Transition<TState, TData>.Repeat(data),
            TransitionKind.Stop => Transition<TState, TData>.Stop(StopReason!),
            _ => Transition<TState, TData>.Keep(data),
        };
        return _actions is null ? transition : transition.WithActions(_actions);
    }

    /// <inheritdoc />
    public bool Equals(Transition<TState> other) =>
        Kind == other.Kind && EqualityComparer<TState>.Default.Equals(State, other.State) && Equals(StopReason, other.StopReason) && Actions.SequenceEqual(other.Actions);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Transition<TState> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, State, StopReason, Actions.Count);

    /// <summary>Equality.</summary>
    public static bool operator ==(Transition<TState> left, Transition<TState> right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Transition<TState> left, Transition<TState> right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        TransitionKind.Next => $"Next({State})",
        TransitionKind.Stop => $"Stop({StopReason})",
        _ => Kind.ToString(),
    };
}
