
namespace Partisan.Generated.Tests.Servers;

/// <summary>What a test wants to observe of a server from outside it.</summary>
public sealed class ServerProbe
{
    public TaskCompletionSource<ExitReason> Terminated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<Down> SawDown { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set once <see cref="Counter.SlowAsync"/> has armed its timer on the node's clock.</summary>
    public TaskCompletionSource SlowTimerArmed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string? InitFailure { get; init; }
}

/// <summary>How big a counter's value is: an enum reply, which needs a type id on the wire.</summary>
public enum Magnitude
{
    Zero,
    Small,
    Large,
}

/// <summary>A counter with every handler shape the generator supports.</summary>
[PartisanServer]
public partial class Counter
{
    private readonly ServerProbe _probe;
    private readonly List<(long Target, ReplyTo<long> Reply)> _waiters = new();
    private long _value;

    public Counter()
        : this(new ServerProbe())
    {
    }

    public Counter(ServerProbe probe) => _probe = probe;

    [Init]
    private void Init()
    {
        if (_probe.InitFailure is { } failure)
        {
            throw new InvalidOperationException(failure);
        }
    }

    [Call]
    public long Add(long by = 1)
    {
        _value += by;
        for (int i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_value >= _waiters[i].Target)
            {
                _waiters[i].Reply.Send(_value);
                _waiters.RemoveAt(i);
            }
        }

        return _value;
    }

    [Call]
    public long Get() => _value;

    [Call]
    public Magnitude MagnitudeOf() => _value == 0 ? Magnitude.Zero : _value < 100 ? Magnitude.Small : Magnitude.Large;

    [Call]
    public Task<Magnitude?> MagnitudeIfLargeAsync() => Task.FromResult<Magnitude?>(_value >= 100 ? Magnitude.Large : null);

    /// <summary>Waits on the node's clock, so tests drive it with virtual time.</summary>
    [Call]
    public async Task<long> SlowAsync(int milliseconds, GenServerContext context)
    {
        Task delay = Task.Delay(TimeSpan.FromMilliseconds(milliseconds), context.Time); // the timer exists before the signal
        _probe.SlowTimerArmed.TrySetResult();
        await delay;
        return _value;
    }

    /// <summary>Replies only once the value reaches <paramref name="target"/> (from a later <see cref="Add"/>).</summary>
    [Call]
    public void WaitFor(long target, ReplyTo<long> reply)
    {
        if (_value >= target)
        {
            reply.Send(_value);
        }
        else
        {
            _waiters.Add((target, reply));
        }
    }

    /// <summary>Fails this call only; the server keeps running.</summary>
    [Call]
    public void Refuse(string why, ReplyTo<long> reply) => reply.Fail(new ArgumentException(why));

    [Call]
    public long Crash(string why) => throw new InvalidOperationException(why);

    [Call]
    public string Retire(string reason, GenServerContext context)
    {
        context.Stop(new ExitReason(reason));
        return "bye";
    }

    [Call]
    public Task FlushAsync() => Task.CompletedTask;

    [Call]
    public Ref Watch(Pid target, GenServerContext context) => context.Monitor(target);

    [Cast]
    public void Reset() => _value = 0;

    [Cast]
    public ValueTask SetAsync(long value)
    {
        _value = value;
        return ValueTask.CompletedTask;
    }

    [Info]
    private void OnNumber(long amount) => _value += amount;

    /// <summary>A nullable value-type message: matched by its underlying type (a boxed message is never a Nullable).</summary>
    [Info]
    private void OnSmallNumber(int? amount) => _value += amount ?? 0;

    [Info]
    private void OnDown(Down down) => _probe.SawDown.TrySetResult(down);

    [Terminate]
    private void Terminate(ExitReason reason) => _probe.Terminated.TrySetResult(reason);
}
