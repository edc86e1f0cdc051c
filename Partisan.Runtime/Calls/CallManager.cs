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
    private readonly ConcurrentDictionary<long, IPendingCall> _pending = new();

    public CallManager(PartisanNode node) => _node = node;

    public int PendingCount => _pending.Count;

    /// <summary>
    /// Sends <paramref name="request"/> and returns the task that completes with the answer. Untraced (nobody listens to
    /// the <c>Partisan</c> activity source) no async method is involved: the task is the pending call's own.
    /// </summary>
    public Task<TReply> CallAsync<TReply>(ProcessRef server, object request, TimeSpan timeout, ForwardOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TReply>(cancellationToken);
        }

        return Spans.Enabled
            ? TracedCallAsync<TReply>(server, request, timeout, options, cancellationToken)
            : Start<TReply>(server, request, timeout, options, cancellationToken).Task;
    }

    private async Task<TReply> TracedCallAsync<TReply>(ProcessRef server, object request, TimeSpan timeout, ForwardOptions options, CancellationToken cancellationToken)
    {
        using Activity? span = Spans.StartCall(_node.Name, server, request);
        if (span is not null)
        {
            _node.InstallTraceContext();
        }

        try
        {
            return await Start<TReply>(server, request, timeout, options, cancellationToken).Task.ConfigureAwait(false);
        }
        catch (Exception ex) when (Spans.Failed(span, ex))
        {
            throw; // not reached: the filter only records
        }
    }

    private PendingCall<TReply> Start<TReply>(ProcessRef server, object request, TimeSpan timeout, ForwardOptions options, CancellationToken cancellationToken)
    {
        Ref tag = _node.MakeRef();
        var pending = new PendingCall<TReply>(this, server, tag.Id, timeout);
        try
        {
            // The timeout runs before the call is counted in PendingCount and before the request leaves: whoever sees
            // the call pending (a test about to advance virtual time) knows its timer is already armed.
            pending.ArmTimeout(_node.TimeProvider);
            pending.CancelWith(cancellationToken);
            _pending[tag.Id] = pending;
            var call = new CallRequest(tag, request) { TraceParent = Spans.CurrentContext() };
            if (!_node.ForwardMessage(server.Node, server, call, options))
            {
                pending.Fail(new CalleeDownException(server, server.Node == _node.Name ? ExitReason.NoProc : ExitReason.NoConnection));
            }
        }
        catch (Exception ex)
        {
            pending.Fail(ex); // a request that cannot be sent (an unregistered type, too large) fails the call, not the caller's thread
        }

        return pending;
    }

    /// <summary>Takes an answered call out of the table (only that call: a newer one cannot share its tag).</summary>
    internal void Forget(IPendingCall call) => _pending.TryRemove(new KeyValuePair<long, IPendingCall>(call.TagId, call));

    /// <summary>Records an answered call's duration and, when it failed, the error's type.</summary>
    internal void Completed(TimeSpan duration, string? errorType) => _node.Metrics.CallCompleted(duration, errorType);

    public void OnReply(Ref tag, object? value)
    {
        if (tag.Node == _node.Name && _pending.TryGetValue(tag.Id, out IPendingCall? call))
        {
            call.Complete(value);
        }
    }

    public void OnFailure(Ref tag, ExitReason reason, string? errorType, string? errorMessage)
    {
        if (tag.Node != _node.Name || !_pending.TryGetValue(tag.Id, out IPendingCall? call))
        {
            return;
        }

        call.Fail(errorType is null
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
        foreach (KeyValuePair<long, IPendingCall> pair in _pending)
        {
            if (pair.Value.Server.Node == node)
            {
                pair.Value.Fail(new CalleeDownException(pair.Value.Server, ExitReason.NoConnection));
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
