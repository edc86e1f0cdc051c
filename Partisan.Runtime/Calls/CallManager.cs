using System.Collections.Concurrent;
using System.Diagnostics;
using Partisan.Diagnostics;

namespace Partisan.Calls;

/// <summary>
/// Request/reply for one node: the calls it is waiting on, by tag. No monitor or temporary process is
/// made per call; instead a call fails promptly because (1) a node that cannot deliver a
/// <see cref="CallRequest"/> answers <c>noproc</c>, (2) a process that exits fails the calls still in its
/// mailbox (and, once it is gone, those that reached it while it was exiting), and behaviours fail the calls they hold, and (3) when a node goes down every call to it fails
/// with <c>noconnection</c>. A reply after the timeout finds no entry and is dropped.
/// </summary>
internal sealed class CallManager
{
    private readonly PartisanNode _node;
    private readonly ConcurrentDictionary<long, PendingCall> _pending = new();

    public CallManager(PartisanNode node) => _node = node;

    public int PendingCount => _pending.Count;

    private sealed class PendingCall(ProcessRef server) : TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public ProcessRef Server { get; } = server;
    }

    public async Task<object?> CallAsync(ProcessRef server, object request, TimeSpan timeout, ForwardOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        Ref tag = _node.MakeRef();
        var pending = new PendingCall(server);

        // The timeout runs before the call is counted in PendingCount and before the request leaves: whoever sees
        // the call pending (a test about to advance virtual time) knows its timer is already armed.
        CancellationTokenSource? timer = timeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(timeout, _node.TimeProvider);
        CancellationTokenRegistration timeoutRegistration = default;
        CancellationTokenRegistration cancelRegistration = default;
        long started = Stopwatch.GetTimestamp();
        using Activity? span = Spans.StartCall(_node.Name, server, request);
        if (span is not null)
        {
            _node.InstallTraceContext();
        }

        string? errorType = null;
        try
        {
            if (timer is not null)
            {
                timeoutRegistration = timer.Token.Register(
                    static state =>
                    {
                        var (call, limit) = ((PendingCall, TimeSpan))state!;
                        call.TrySetException(new CallTimeoutException(call.Server, limit));
                    },
                    (pending, timeout));
            }

            if (cancellationToken.CanBeCanceled)
            {
                cancelRegistration = cancellationToken.Register(
                    static state =>
                    {
                        var (call, token) = ((PendingCall, CancellationToken))state!;
                        call.TrySetCanceled(token);
                    },
                    (pending, cancellationToken));
            }

            _pending[tag.Id] = pending;
            var call = new CallRequest(tag, request) { TraceParent = Spans.CurrentContext() };
            if (!_node.ForwardMessage(server.Node, server, call, options))
            {
                throw new CalleeDownException(server, server.Node == _node.Name ? ExitReason.NoProc : ExitReason.NoConnection);
            }

            return await pending.Task.ConfigureAwait(false);
        }
        catch (Exception ex) when (Failed(span, ex, out errorType))
        {
            throw; // not reached: the filter only records
        }
        finally
        {
            _node.Metrics.CallCompleted(Stopwatch.GetElapsedTime(started), errorType);
            _pending.TryRemove(tag.Id, out _);
            timeoutRegistration.Dispose();
            cancelRegistration.Dispose();
            timer?.Dispose();
        }
    }

    private static bool Failed(Activity? span, Exception error, out string? errorType)
    {
        errorType = error.GetType().FullName;
        return Spans.Failed(span, error);
    }

    public void OnReply(Ref tag, object? value)
    {
        if (tag.Node == _node.Name && _pending.TryRemove(tag.Id, out PendingCall? call))
        {
            call.TrySetResult(value);
        }
    }

    public void OnFailure(Ref tag, ExitReason reason, string? errorType, string? errorMessage)
    {
        if (tag.Node != _node.Name || !_pending.TryRemove(tag.Id, out PendingCall? call))
        {
            return;
        }

        call.TrySetException(errorType is null
            ? new CalleeDownException(call.Server, reason)
            : new CallFailedException(call.Server, errorType, errorMessage ?? string.Empty));
    }

    /// <summary>Handles the replies and failures that arrive from other nodes.</summary>
    public void RegisterControlMessages(Routing.ControlMessageRegistry registry)
    {
        registry.Register<CallReply>((_, reply) => OnReply(reply.Tag, reply.Value));
        registry.Register<CallFailure>((_, failure) => OnFailure(failure.Tag, failure.Reason, failure.ErrorType, failure.ErrorMessage));
    }

    /// <summary>Fails every call waiting on <paramref name="node"/> with <c>noconnection</c>.</summary>
    public void NodeDown(NodeName node)
    {
        foreach (KeyValuePair<long, PendingCall> pair in _pending)
        {
            if (pair.Value.Server.Node == node && _pending.TryRemove(pair.Key, out PendingCall? call))
            {
                call.TrySetException(new CalleeDownException(call.Server, ExitReason.NoConnection));
            }
        }
    }

    public void SendReply(Ref tag, object? value)
    {
        if (tag.Node == _node.Name)
        {
            OnReply(tag, value);
            return;
        }

        try
        {
            _node.SendCallControl(tag.Node, new CallReply(tag, value), tag.Id);
        }
        catch (Exception ex) when (ex is Serialization.TypeRegistrationException or MessageTooLargeException)
        {
            SendFailure(tag, ExitReason.FromException(ex), ex.GetType().FullName, "The reply could not be sent: " + ex.Message);
        }
    }

    public void SendFailure(Ref tag, ExitReason reason, string? errorType, string? errorMessage)
    {
        if (tag.Node == _node.Name)
        {
            OnFailure(tag, reason, errorType, errorMessage);
            return;
        }

        _node.SendCallControl(tag.Node, new CallFailure(tag, reason, errorType, errorMessage), tag.Id);
    }
}
