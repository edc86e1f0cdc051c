namespace Partisan;

/// <summary>
/// The callbacks of a state machine (OTP gen_statem). Both callback modes map onto
/// <see cref="HandleEventAsync"/>: with state functions, it dispatches on the state to a handler per
/// state (what <c>[PartisanStateMachine]</c> generates); with handle_event, one handler sees the state as data.
/// </summary>
/// <typeparam name="TState">The state type (compared with <see cref="EqualityComparer{T}.Default"/> to detect a state change).</typeparam>
/// <typeparam name="TData">The data type.</typeparam>
public interface IGenStatem<TState, TData>
{
    /// <summary>When true, the handler gets an <see cref="EventType.Enter"/> event on every state change and repeat (OTP's <c>state_enter</c>).</summary>
    bool StateEnter { get; }

    /// <summary>The initial state and data; <see cref="GenStatem.StartAsync{TState, TData}"/> returns once it completes. The returned transition's actions apply (e.g. timeouts).</summary>
    ValueTask<Transition<TState, TData>> InitAsync(GenStatemContext context);

    /// <summary>Handles one event in <paramref name="state"/> with <paramref name="data"/>.</summary>
    ValueTask<Transition<TState, TData>> HandleEventAsync(StatemEvent @event, TState state, TData data, GenStatemContext context);

    /// <summary>Runs when the machine stops.</summary>
    ValueTask TerminateAsync(ExitReason reason, TState state, TData data, GenStatemContext context);
}

/// <summary>What a state machine's callbacks see.</summary>
public sealed class GenStatemContext
{
    internal GenStatemContext(ProcessContext process) => Process = process;

    /// <summary>The machine's pid.</summary>
    public Pid Self => Process.Self;

    /// <summary>The node it runs on.</summary>
    public PartisanNode Node => Process.Node;

    /// <summary>The underlying process.</summary>
    public ProcessContext Process { get; }

    /// <summary>The node's clock (all timeouts run on it).</summary>
    public TimeProvider Time => Process.Node.TimeProvider;
}
