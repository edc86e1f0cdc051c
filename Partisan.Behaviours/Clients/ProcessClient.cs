namespace Partisan;

/// <summary>
/// What every generated client shares (<c>CounterClient</c> of a <c>[PartisanServer]</c>, <c>CodeLockClient</c> of a
/// <c>[PartisanStateMachine]</c>): the node requests are sent from, the target process, the channel and partition key,
/// stop, monitors and the reference forms. A generated client adds one typed method per call and cast, written over
/// <see cref="CallAsync{TReply}"/>, <see cref="CallAsync(object, TimeSpan?, CancellationToken)"/> and <see cref="Cast"/>.
/// </summary>
public abstract class ProcessClient
{
    /// <summary>A client of <paramref name="target"/> that sends from <paramref name="node"/>.</summary>
    /// <param name="node">The node the requests are sent from.</param>
    /// <param name="target">The server or state machine: a pid or a registered name, on any node.</param>
    /// <param name="options">The channel and partition key of every request.</param>
    protected ProcessClient(PartisanNode node, ProcessRef target, ForwardOptions options)
    {
        ArgumentNullException.ThrowIfNull(node);
        Node = node;
        Target = target;
        Options = options;
    }

    /// <summary>The node the requests are sent from.</summary>
    public PartisanNode Node { get; }

    /// <summary>The server or state machine: a pid or a registered name.</summary>
    public ProcessRef Target { get; }

    /// <summary>The channel and partition key of every request.</summary>
    public ForwardOptions Options { get; }

    /// <summary>
    /// Stops the target with <paramref name="reason"/> (default <c>normal</c>) and waits until it has exited: its pid is
    /// dead and its name free (<c>gen_server:stop</c>, <c>gen_statem:stop</c>).
    /// </summary>
    /// <param name="reason">The exit reason.</param>
    /// <param name="timeout">How long to wait (default: no limit).</param>
    /// <exception cref="CalleeDownException">The target was not there, or it exited with another reason (its terminate threw).</exception>
    /// <exception cref="CallTimeoutException">It had not exited within <paramref name="timeout"/>.</exception>
    public Task StopAsync(ExitReason? reason = null, TimeSpan? timeout = null) => GenServer.StopAsync(Node, Target, reason, timeout);

    /// <summary>Monitors the target for the local process <paramref name="watcher"/>: it gets a <see cref="Down"/> when the target exits or its node is lost.</summary>
    /// <param name="watcher">The watching process.</param>
    /// <returns>The monitor reference (for <see cref="PartisanNode.Demonitor"/>).</returns>
    public Ref Monitor(Pid watcher) => Node.Monitor(watcher, Target);

    /// <summary>Monitors the target from code that is not a process: completes with its <see cref="Down"/> (<see cref="PartisanNode.MonitorAsync"/>).</summary>
    /// <param name="cancellationToken">Stops watching.</param>
    /// <returns>The <see cref="Down"/>.</returns>
    public Task<Down> MonitorAsync(CancellationToken cancellationToken = default) => Node.MonitorAsync(Target, cancellationToken);

    /// <summary>The target as a remote reference, to send or store.</summary>
    /// <returns>The reference.</returns>
    public RemoteRef ToRemoteRef() => RemoteRef.FromProcessRef(Target);

    /// <summary>The target in the node's configured reference form: a URI (<c>partisan:pid:...</c>) or the tuple form.</summary>
    /// <returns>The reference as text.</returns>
    public override string ToString() =>
        Node.WireContext.RemoteRefFormat == RemoteRefFormat.Uri
            ? ToRemoteRef().ToUri(Node.WireContext.RemoteRefUriPadding)
            : Target.ToString();

    /// <summary>Sends <paramref name="request"/> as a call and waits for the reply as <typeparamref name="TReply"/>.</summary>
    /// <typeparam name="TReply">The reply's type.</typeparam>
    /// <param name="request">The generated request message.</param>
    /// <param name="timeout">How long to wait (null: the node's default, 5 s).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The reply.</returns>
    protected Task<TReply> CallAsync<TReply>(object request, TimeSpan? timeout, CancellationToken cancellationToken) =>
        Node.CallAsync<TReply>(Target, request, Options, timeout, cancellationToken);

    /// <summary>Sends <paramref name="request"/> as a call and waits until it is handled (a reply of no value).</summary>
    /// <param name="request">The generated request message.</param>
    /// <param name="timeout">How long to wait (null: the node's default, 5 s).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the call was handled.</returns>
    protected Task CallAsync(object request, TimeSpan? timeout, CancellationToken cancellationToken) =>
        Node.CallAsync(Target, request, Options, timeout, cancellationToken);

    /// <summary>Sends <paramref name="request"/> as a cast (fire and forget).</summary>
    /// <param name="request">The generated request message.</param>
    /// <returns>False when the target's node is unknown or down (the request is dropped).</returns>
    protected bool Cast(object request) => Node.Cast(Target, request, Options);
}
