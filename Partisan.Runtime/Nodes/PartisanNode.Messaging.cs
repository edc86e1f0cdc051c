using Partisan.Channels;
using Partisan.Diagnostics;
using Partisan.Routing;

namespace Partisan;

/// <content>Messaging: send, forward, cast and call, to local or remote processes, and the control messages subsystems send.</content>
public sealed partial class PartisanNode
{
    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="target"/> on any node (Erlang's <c>!</c>): locally the object
    /// itself is delivered; remotely it is encoded now (so later changes to it are not seen) and sent on the
    /// default channel. Returns false when the target's node is unknown or down (the message is dropped, as in Erlang).
    /// </summary>
    /// <exception cref="Serialization.TypeRegistrationException">The message's type cannot be sent to another node.</exception>
    /// <exception cref="MessageTooLargeException">The message is larger than MaxFrameSize.</exception>
    public bool Send(ProcessRef target, object message) => ForwardMessage(target.Node, target, message, default);

    /// <summary>Partisan's <c>forward_message</c>: sends to <paramref name="target"/> on <paramref name="node"/> with channel and partition key options.</summary>
    /// <exception cref="ArgumentException">The channel is not configured.</exception>
    public bool ForwardMessage(NodeName node, ProcessRef target, object message, ForwardOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_options.TraceSends && Spans.Enabled && message is not (CallRequest or CastRequest))
        {
            return ForwardTraced(node, target, message, options);
        }

        if (node == Name)
        {
            return DeliverLocal(target, message);
        }

        return _router.Forward(node, target, message, options);
    }

    /// <summary>
    /// Like <see cref="ForwardMessage"/>, but with back-pressure: while the connection's send queue holds more than
    /// <see cref="PartisanOptions.BackPressureBytesPerConnection"/>, waits until the writer has drained it to half
    /// instead of queueing more (or dropping the message). Completes false only when the node is unknown or goes down.
    /// </summary>
    public ValueTask<bool> SendAsync(ProcessRef target, object message, ForwardOptions options = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (target.Node == Name)
        {
            return ValueTask.FromResult(DeliverLocal(target, message));
        }

        if (options.Ack || _ackStage.Wants(options))
        {
            return SendWithAckAsync(target, message, options, cancellationToken);
        }

        return _router.ForwardAsync(target.Node, target, message, options, cancellationToken);
    }

    /// <summary>
    /// Partisan's <c>cast_message</c>: sends <paramref name="message"/> wrapped as a <see cref="CastRequest"/> (OTP's
    /// <c>'$gen_cast'</c>) to the process registered as <paramref name="name"/> on <paramref name="node"/>.
    /// </summary>
    public bool CastMessage(NodeName node, string name, object message, ForwardOptions options = default) =>
        Cast(ProcessRef.ForName(name, node), message, options);

    /// <summary>Sends <paramref name="request"/> to <paramref name="server"/> as a <see cref="CastRequest"/> (a gen_server cast).</summary>
    public bool Cast(ProcessRef server, object request, ForwardOptions options = default) =>
        Spans.Enabled ? CastTraced(server, request, options) : ForwardMessage(server.Node, server, new CastRequest(request), options);

    /// <summary>The default call timeout, as in OTP (5 s).</summary>
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Sends <paramref name="request"/> to <paramref name="server"/> as a <see cref="CallRequest"/> and waits for the reply
    /// (OTP's <c>gen:call</c>). Fails with <see cref="CallTimeoutException"/> after <paramref name="timeout"/> (default 5 s, on
    /// the node's clock), <see cref="CalleeDownException"/> when the server does not exist, exits before replying, or its node
    /// goes down, and <see cref="CallFailedException"/> when its handler throws.
    /// </summary>
    public Task<object?> CallAsync(ProcessRef server, object request, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Calls.CallAsync<object?>(server, request, timeout ?? DefaultCallTimeout, default, cancellationToken);

    /// <summary>Like <see cref="CallAsync(ProcessRef, object, TimeSpan?, CancellationToken)"/>, with channel and partition key options.</summary>
    public Task<object?> CallAsync(ProcessRef server, object request, ForwardOptions options, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Calls.CallAsync<object?>(server, request, timeout ?? DefaultCallTimeout, options, cancellationToken);

    /// <summary>Calls <paramref name="server"/> and returns the reply as <typeparamref name="TReply"/>.</summary>
    /// <exception cref="CallFailedException">The reply is not a <typeparamref name="TReply"/> (or the handler threw).</exception>
    public Task<TReply> CallAsync<TReply>(ProcessRef server, object request, ForwardOptions options = default, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Calls.CallAsync<TReply>(server, request, timeout ?? DefaultCallTimeout, options, cancellationToken);

    /// <summary>Calls this node has made that wait for a reply.</summary>
    public int PendingCalls => Calls.PendingCount;

    /// <summary>The handle to answer the call <paramref name="request"/> with.</summary>
    public CallHandle HandleFor(CallRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new CallHandle(this, request.Tag);
    }

    /// <summary>A reference unique in the cluster.</summary>
    public Ref MakeRef() => new(Name, Interlocked.Increment(ref _nextRef));

    internal void SendCallControl(NodeName node, object message, long key) =>
        _router.SendControl(node, message, ChannelOptions.DefaultName, key, CurrentSenderId);

    internal bool SendControl(NodeName node, object message, Pid watcher) =>
        _router.SendControl(node, message, ChannelOptions.DefaultName, PartitionHash.Of(watcher));

    /// <summary>True for this node, and for a node reachable directly or by relay (what monitors and calls go by).</summary>
    internal bool IsReachable(NodeName node) => node == Name || _overlay.IsReachable(node);
}
