namespace Partisan.Behaviours.Tests;

/// <summary>A hand-written gen_server used by the engine tests (the generator's output looks like this).</summary>
internal sealed class CounterServer : GenServer
{
    private long _value;
    private readonly List<CallHandle> _waiting = new();

    public static readonly List<ExitReason> Terminated = new();

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

    private static async ValueTask<CallResult> SlowAsync(GenServerContext context)
    {
        await Task.Delay(TimeSpan.FromSeconds(30), context.Time);
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
