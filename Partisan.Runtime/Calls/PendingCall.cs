using System.Diagnostics;

namespace Partisan.Calls;

/// <summary>
/// One call waiting for its answer, typed by the reply the caller expects: the task the caller awaits, its timeout on the node's clock and its cancellation.
/// Whatever answers first (reply, failure, timeout, cancellation, the server's node going down) completes it and tidies
/// up once: out of the pending table, timer and registration released, duration recorded. No async method wraps it, so a
/// call costs this object and its timer, and the reply reaches the caller in one hand-off. A reply of another type
/// fails the call with <see cref="CallFailedException"/>.
/// </summary>
/// <typeparam name="TReply">The reply's type (<see cref="object"/> for an untyped call).</typeparam>
internal sealed class PendingCall<TReply> : TaskCompletionSource<TReply>, IPendingCall
{
    private readonly CallManager _owner;
    private readonly long _started = Stopwatch.GetTimestamp();
    private ITimer? _timer;
    private CancellationTokenRegistration _cancellation;
    private int _answered;

    public PendingCall(CallManager owner, ProcessRef server, long tagId, TimeSpan timeout)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        _owner = owner;
        Server = server;
        TagId = tagId;
        Timeout = timeout;
    }

    public ProcessRef Server { get; }

    public long TagId { get; }

    public TimeSpan Timeout { get; }

    /// <summary>Arms the timeout (unless infinite) before the request leaves, so whoever sees the call pending knows its timer runs.</summary>
    public void ArmTimeout(TimeProvider time)
    {
        if (Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            _timer = time.CreateTimer(static state => ((PendingCall<TReply>)state!).TimedOut(), this, Timeout, System.Threading.Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Cancels the call when <paramref name="token"/> is.</summary>
    public void CancelWith(CancellationToken token)
    {
        if (!token.CanBeCanceled)
        {
            return;
        }

        _cancellation = token.Register(
            static (state, token) => ((PendingCall<TReply>)state!).Cancel(token),
            this);
        if (Volatile.Read(ref _answered) != 0)
        {
            _cancellation.Dispose(); // answered before the registration was stored
        }
    }

    public void Complete(object? value)
    {
        switch (value)
        {
            case TReply typed:
                if (TryAnswer(null))
                {
                    TrySetResult(typed);
                }

                break;
            case null when default(TReply) is null:
                if (TryAnswer(null))
                {
                    TrySetResult(default!);
                }

                break;
            default:
                Fail(new CallFailedException(Server, typeof(InvalidCastException).FullName!, $"The reply is {value?.GetType().Name ?? "null"}, not {typeof(TReply).Name}."));
                break;
        }
    }

    public void Fail(Exception error)
    {
        if (TryAnswer(error.GetType().FullName))
        {
            TrySetException(error);
        }
    }

    private void TimedOut() => Fail(new CallTimeoutException(Server, Timeout));

    private void Cancel(CancellationToken token)
    {
        if (TryAnswer(typeof(TaskCanceledException).FullName))
        {
            TrySetCanceled(token);
        }
    }

    // The first answer wins and tidies up before the task completes, so a caller that resumes finds the call no longer
    // pending and its duration recorded.
    private bool TryAnswer(string? errorType)
    {
        if (Interlocked.Exchange(ref _answered, 1) != 0)
        {
            return false;
        }

        _owner.Forget(this);
        _timer?.Dispose();
        _cancellation.Dispose();
        _owner.Completed(Stopwatch.GetElapsedTime(_started), errorType);
        return true;
    }
}
