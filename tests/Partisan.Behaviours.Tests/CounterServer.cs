namespace Partisan.Behaviours.Tests;

/// <summary>A hand-written gen_server used by the engine tests (the generator's output looks like this).</summary>
internal sealed class CounterServer : GenServer
{
    private long _value;
    private readonly List<CallHandle> _waiting = new();

    public static readonly List<ExitReason> Terminated = new();

    /// <summary>Set once a "slow" call has armed its timer on the node's clock, so a test can advance virtual time past it.</summary>
    public TaskCompletionSource SlowTimerArmed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override ValueTask<CallResult> HandleCallAsync(object request, CallHandle from, GenServerContext context) => request switch
    {
        int by => ValueTask.FromResult(CallResult.Reply(_value += by)),
        "get" => ValueTask.FromResult(CallResult.Reply(_value)),
        "slow" => SlowAsync(context),
        "wait" => Defer(from),
        "release" => Release(context),
        "crash" => throw new InvalidOperationException("crashed on purpose"),
        "stop" => ValueTask.FromResult(CallResult.StopAndReply(new ExitReason("asked"), "bye")),
        "silent" => ValueTask.FromResult(CallResult.NoReply),
        _ => throw new ArgumentException($"unknown call {request}"),
    };

    private async ValueTask<CallResult> SlowAsync(GenServerContext context)
    {
        Task delay = Task.Delay(TimeSpan.FromSeconds(30), context.Time); // the timer exists before the signal
        SlowTimerArmed.TrySetResult();
        await delay;
        return CallResult.Reply("late");
    }

    private ValueTask<CallResult> Defer(CallHandle from)
    {
        _waiting.Add(from);
        return ValueTask.FromResult(CallResult.NoReply);
    }

    private ValueTask<CallResult> Release(GenServerContext context)
    {
        foreach (CallHandle waiting in _waiting)
        {
            context.Reply(waiting, "released");
        }

        int count = _waiting.Count;
        _waiting.Clear();
        return ValueTask.FromResult(CallResult.Reply(count));
    }

    public override ValueTask HandleCastAsync(object request, GenServerContext context)
    {
        if (request is "reset")
        {
            _value = 0;
        }

        return ValueTask.CompletedTask;
    }

    public override ValueTask HandleInfoAsync(object message, GenServerContext context)
    {
        if (message is long add)
        {
            _value += add;
        }

        return ValueTask.CompletedTask;
    }

    public override ValueTask TerminateAsync(ExitReason reason, GenServerContext context)
    {
        lock (Terminated)
        {
            Terminated.Add(reason);
        }

        return ValueTask.CompletedTask;
    }
}
