using System.Collections.Immutable;

namespace Partisan;

/// <summary>How a transition treats the state.</summary>
public enum TransitionKind
{
    /// <summary>Go to <see cref="Transition{TState, TData}.State"/> (a state change when it differs).</summary>
    Next,

    /// <summary>Stay in the current state.</summary>
    Keep,

    /// <summary>Stay, but act as if the state was re-entered (enter call again, postponed events retried).</summary>
    Repeat,

    /// <summary>Stop the machine with <see cref="Transition{TState, TData}.StopReason"/>.</summary>
    Stop,
}

/// <summary>
/// What an event handler returns: an immutable value (OTP's <c>{next_state, ...}</c>, <c>keep_state</c>,
/// <c>repeat_state</c>, <c>stop</c>) with fluent actions: <c>.Reply</c>, <c>.Postpone</c>,
/// <c>.NextEvent</c>, <c>.EventTimeout</c>, <c>.StateTimeout</c>, <c>.GenericTimeout</c>.
/// </summary>
/// <typeparam name="TState">The state type.</typeparam>
/// <typeparam name="TData">The data type.</typeparam>
public readonly struct Transition<TState, TData>
{
    private Transition(TransitionKind kind, TState state, TData data, bool keepData, ExitReason? stopReason, ImmutableList<StatemAction> actions)
    {
        Kind = kind;
        State = state;
        Data = data;
        KeepsData = keepData;
        StopReason = stopReason;
        Actions = actions;
    }

    /// <summary>The kind of transition.</summary>
    public TransitionKind Kind { get; }

    /// <summary>The next state (for <see cref="TransitionKind.Next"/>).</summary>
    public TState State { get; }

    /// <summary>The next data, unless <see cref="KeepsData"/>.</summary>
    public TData Data { get; }

    /// <summary>True when the data stays as it was.</summary>
    public bool KeepsData { get; }

    /// <summary>Why the machine stops (for <see cref="TransitionKind.Stop"/>).</summary>
    public ExitReason? StopReason { get; }

    /// <summary>The actions, in order.</summary>
    public ImmutableList<StatemAction> Actions => field ?? ImmutableList<StatemAction>.Empty;

    /// <summary>Go to <paramref name="state"/> with <paramref name="data"/>.</summary>
    public static Transition<TState, TData> Next(TState state, TData data) => new(TransitionKind.Next, state, data, false, null, ImmutableList<StatemAction>.Empty);

    /// <summary>Go to <paramref name="state"/>, keeping the data.</summary>
    public static Transition<TState, TData> NextKeepData(TState state) => new(TransitionKind.Next, state, default!, true, null, ImmutableList<StatemAction>.Empty);

    /// <summary>Stay in the state with new <paramref name="data"/> (<c>keep_state</c>).</summary>
    public static Transition<TState, TData> Keep(TData data) => new(TransitionKind.Keep, default!, data, false, null, ImmutableList<StatemAction>.Empty);

    /// <summary>Change nothing (<c>keep_state_and_data</c>).</summary>
    public static Transition<TState, TData> KeepStateAndData => new(TransitionKind.Keep, default!, default!, true, null, ImmutableList<StatemAction>.Empty);

    /// <summary>Stay, with new data, as if re-entering the state (<c>repeat_state</c>).</summary>
    public static Transition<TState, TData> Repeat(TData data) => new(TransitionKind.Repeat, default!, data, false, null, ImmutableList<StatemAction>.Empty);

    /// <summary>Stay with the same data, as if re-entering the state (<c>repeat_state_and_data</c>).</summary>
    public static Transition<TState, TData> RepeatStateAndData => new(TransitionKind.Repeat, default!, default!, true, null, ImmutableList<StatemAction>.Empty);

    /// <summary>Stop with <paramref name="reason"/>.</summary>
    public static Transition<TState, TData> Stop(ExitReason reason) => new(TransitionKind.Stop, default!, default!, true, reason ?? throw new ArgumentNullException(nameof(reason)), ImmutableList<StatemAction>.Empty);

    private Transition<TState, TData> With(StatemAction action) => new(Kind, State, Data, KeepsData, StopReason, Actions.Add(action));

    /// <summary>The same transition with <paramref name="actions"/> appended.</summary>
    internal Transition<TState, TData> WithActions(ImmutableList<StatemAction> actions) => new(Kind, State, Data, KeepsData, StopReason, Actions.AddRange(actions));

    /// <summary>Reply <paramref name="value"/> to the call <paramref name="from"/>.</summary>
    public Transition<TState, TData> Reply(CallHandle from, object? value) => With(new StatemAction.Reply(from, value));

    /// <summary>Fail the call <paramref name="from"/> with <paramref name="error"/> (the caller gets a <see cref="CallFailedException"/>); the machine keeps running.</summary>
    public Transition<TState, TData> Fail(CallHandle from, Exception error) => With(new StatemAction.FailCall(from, error ?? throw new ArgumentNullException(nameof(error))));

    /// <summary>Postpone the current event until the state changes.</summary>
    public Transition<TState, TData> Postpone() => With(new StatemAction.Postpone());

    /// <summary>Handle <paramref name="content"/> as an event of <paramref name="type"/> before any other event.</summary>
    public Transition<TState, TData> NextEvent(object? content, EventType type = EventType.Internal) => With(new StatemAction.NextEvent(type, content));

    /// <summary>Fire an event timeout with <paramref name="content"/> unless an event arrives within <paramref name="after"/> (null cancels).</summary>
    public Transition<TState, TData> EventTimeout(TimeSpan? after, object? content = null) => With(new StatemAction.SetEventTimeout(after, content));

    /// <summary>Fire a state timeout with <paramref name="content"/> unless the state changes within <paramref name="after"/> (null cancels).</summary>
    public Transition<TState, TData> StateTimeout(TimeSpan? after, object? content = null) => With(new StatemAction.SetStateTimeout(after, content));

    /// <summary>Fire the generic timeout <paramref name="name"/> after <paramref name="after"/> (restarts it if running; null cancels).</summary>
    public Transition<TState, TData> GenericTimeout(string name, TimeSpan? after, object? content = null) => With(new StatemAction.SetGenericTimeout(name, after, content));

    /// <summary>Hibernate (a no-op here).</summary>
    public Transition<TState, TData> Hibernate() => With(new StatemAction.Hibernate());
}
