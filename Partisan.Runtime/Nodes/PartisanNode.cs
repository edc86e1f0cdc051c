using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Partisan.Channels;
using Partisan.Connections;
using Partisan.Diagnostics;
using Partisan.Membership;
using Partisan.Monitoring;
using Partisan.Overlays;
using Partisan.Overlays.FullMesh;
using Partisan.Processes;
using Partisan.Routing;
using Partisan.Serialization;
using Partisan.Transport;

namespace Partisan;

/// <summary>
/// A Partisan node: runs processes, exchanges messages with other nodes over named channels, and
/// keeps cluster membership. The messaging API mirrors Erlang Partisan's <c>partisan</c> module.
/// Start it with <see cref="StartAsync(CancellationToken)"/> (or the static <see cref="StartAsync(PartisanOptions, ILoggerFactory?, CancellationToken)"/>),
/// or let <c>services.AddPartisan(...)</c> host it.
/// </summary>
public sealed class PartisanNode : IAsyncDisposable
{
    private static readonly AsyncLocal<ProcessContext?> CurrentProcess = new();

    private readonly PartisanOptions _options;
    private readonly ILogger _logger;
    private readonly ProcessTable _processes = new();
    private readonly PeerService _peers;
    private readonly ConnectionManager _connections;
    private readonly OverlayRunner _overlay;
    private readonly Router _router;
    private readonly IReadOnlyList<ChannelOptions> _channels;
    private readonly byte[] _secretKey;
    private readonly IReadOnlyList<ListenAddress> _requestedAddresses;
    private long _nextRef;
    private int _state; // 0 new, 1 started, 2 stopped

    /// <summary>Creates a node (not yet started).</summary>
    /// <exception cref="PartisanConfigurationException">The options are invalid; the message lists every problem.</exception>
    public PartisanNode(PartisanOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new PartisanConfigurationException(errors);
        }

        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Partisan");
        Name = NodeName.Parse(options.NodeName!);
        TimeProvider = options.TimeProvider ?? TimeProvider.System;
        Types = options.TypeRegistry ?? TypeRegistry.Default;
        Types.ThrowIfInvalid();
        WireContext = new WireContext(Types, options.RemoteRefFormat, options.RemoteRefUriPadding);
        Monitors = new MonitorRegistry(this);
        Calls = new Calls.CallManager(this);
        Metrics = new PartisanMetrics(Name, () => _peers?.Members.Count ?? 1, meterFactory);
        _requestedAddresses = options.ListenAddresses.Count == 0
            ? [new ListenAddress("127.0.0.1", 0)]
            : options.ListenAddresses.ConvertAll(ListenAddress.Parse);
        if (options.ClusterSecret is null)
        {
            Log.DevelopmentSecret(_logger);
        }

        _secretKey = Handshake.DeriveKey(options.ClusterSecret ?? PartisanOptions.DevelopmentSecret);
        var codec = new MessageCodec(WireContext, options.MaxFrameSize, options.CompressionThreshold);
        ITransport transport = options.Transport ?? new TcpTransport(options.Tls);
        _channels = BuildChannelTable(options.Channels);

        // The layers, bottom up: connections, routing (send path and inbound dispatch), the overlay, the peer service.
        var loop = new NodeLoop(_logger);
        _connections = new ConnectionManager(loop, options, transport, codec, Metrics, _logger, TimeProvider, _channels, Name);
        _router = new Router(_connections, codec, Metrics, _logger, Pipeline, Name, options.RelayHops);
        var dispatcher = new InboundDispatcher(this, Controls, Pipeline, codec, Metrics, _logger);
        dispatcher.UseRouter(_router);
        IOverlay overlay = options.Overlay?.Invoke() ?? new FullMeshOverlay(options.GossipInterval);
        Random random = options.OverlaySeed is int seed ? new Random(seed) : new Random();
        var events = new NodeEvents(this, _logger);
        _overlay = new OverlayRunner(loop, overlay, _connections, _router, events, TimeProvider, random, _logger);
        _router.UseNextHops(() => _overlay.NextHops);
        _peers = new PeerService(loop, _connections, _overlay, events, dispatcher);

        if (options.PropagateTraceContext)
        {
            Pipeline.Add(new TraceContextStage());
        }

        // Each subsystem handles its own control messages.
        Monitors.RegisterControlMessages(Controls);
        Calls.RegisterControlMessages(Controls);
        Controls.Register<ExitSignal>((_, signal) => ExitLocal(signal.Target, signal.Reason));
        Controls.Register<MembershipMessage>((from, message) => _overlay.MessageArrived(from, message.Payload));
    }

    /// <summary>Creates and starts a node.</summary>
    public static async Task<PartisanNode> StartAsync(PartisanOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        var node = new PartisanNode(options, loggerFactory);
        try
        {
            await node.StartAsync(cancellationToken).ConfigureAwait(false);
            return node;
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static List<ChannelOptions> BuildChannelTable(List<ChannelOptions> configured)
    {
        var table = new List<ChannelOptions>();
        bool hasDefault = false;
        bool hasMembership = false;
        foreach (ChannelOptions channel in configured)
        {
            hasDefault |= channel.Name == ChannelOptions.DefaultName;
            hasMembership |= channel.Name == ChannelOptions.MembershipName;
            table.Add(channel);
        }

        if (!hasDefault)
        {
            table.Insert(0, ChannelOptions.Default);
        }

        if (!hasMembership)
        {
            table.Add(ChannelOptions.Membership);
        }

        return table;
    }

    /// <summary>This node's name.</summary>
    public NodeName Name { get; }

    /// <summary>This node's spec (available once started).</summary>
    public NodeSpec Spec => _peers.LocalSpec ?? throw new InvalidOperationException("The node has not started.");

    /// <summary>The node's overlay (full mesh unless <see cref="PartisanOptions.Overlay"/> says otherwise).</summary>
    public IOverlay Overlay => _overlay.Overlay;

    /// <summary>The addresses the node listens on (with real ports, once started).</summary>
    public IReadOnlyList<ListenAddress> ListenAddresses => Spec.ListenAddresses;

    /// <summary>The node's clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The types this node can send and receive.</summary>
    public TypeRegistry Types { get; }

    /// <summary>The codec settings in force.</summary>
    public WireContext WireContext { get; }

    /// <summary>Membership and connections.</summary>
    public IPeerServiceManager PeerService => _peers;

    /// <summary>The node's metrics.</summary>
    public PartisanMetrics Metrics { get; }

    internal MonitorRegistry Monitors { get; }

    internal Calls.CallManager Calls { get; }

    /// <summary>Which subsystem handles which control message.</summary>
    internal ControlMessageRegistry Controls { get; } = new();

    /// <summary>The delivery stages between send and connection, and between decoding and mailbox.</summary>
    internal DeliveryPipeline Pipeline { get; } = new();

    /// <summary>The connections (for diagnostics and tests).</summary>
    internal ConnectionManager Connections => _connections;

    /// <summary>The pid of the process whose code is running (Erlang's <c>self()</c>).</summary>
    /// <exception cref="InvalidOperationException">Not called from inside a process of this node.</exception>
    public Pid Self => CurrentProcess.Value is { } context && context.Node == this
        ? context.Self
        : throw new InvalidOperationException("Self is only defined inside a process of this node (spawned with Spawn).");

    /// <summary>Starts listening and joins the configured seeds' cluster is left to the caller (or the hosted service).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The node was already started.");
        }

        long incarnation = TimeProvider.GetUtcNow().UtcTicks;
        Controls.Freeze();
        IReadOnlyList<ListenAddress> bound = await _peers.StartAsync(_requestedAddresses, _channels, incarnation, _secretKey, cancellationToken).ConfigureAwait(false);
        Log.NodeStarted(_logger, Name, string.Join(", ", bound));
    }

    /// <summary>Stops the node: closes connections, then ends every local process with reason <c>shutdown</c>.</summary>
    public async ValueTask DisposeAsync()
    {
        int previous = Interlocked.Exchange(ref _state, 2);
        if (previous == 2)
        {
            return;
        }

        await _peers.DisposeAsync().ConfigureAwait(false);
        foreach (IMessageTarget target in _processes.All)
        {
            if (target is LocalProcess process)
            {
                Terminate(process, ExitReason.Shutdown);
            }
        }

        Metrics.Dispose();
        if (previous == 1)
        {
            Log.NodeStopped(_logger, Name);
        }
    }

    // ------------------------------------------------------------------ processes

    /// <summary>Spawns a process running <paramref name="body"/>, optionally registered as <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is invalid or already registered.</exception>
    public Pid Spawn(Func<ProcessContext, Task> body, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _state) == 2, this);
        if (name is not null && RegisteredName.Validate(name) is { } error)
        {
            throw new ArgumentException(error, nameof(name));
        }

        var pid = new Pid(Name, _processes.NextId());
        var process = new LocalProcess(pid, name);
        if (name is not null && !_processes.TryRegister(name, pid))
        {
            throw new ArgumentException($"The name '{name}' is already registered on {Name}.", nameof(name));
        }

        _processes.Add(pid.Id, process);
        var context = new ProcessContext(this, process);
        _ = Task.Run(() => RunAsync(process, context, body));
        return pid;
    }

    private async Task RunAsync(LocalProcess process, ProcessContext context, Func<ProcessContext, Task> body)
    {
        CurrentProcess.Value = context;
        ExitReason reason = ExitReason.Normal;
        try
        {
            await body(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (process.Stopping.IsCancellationRequested)
        {
            reason = process.Reason ?? ExitReason.Killed;
        }
        catch (Exception ex)
        {
            reason = ExitReason.FromException(ex);
            Log.ProcessFailed(_logger, process.Pid, ex);
        }
        finally
        {
            CurrentProcess.Value = null;
        }

        Terminate(process, reason);
    }

    private void Terminate(LocalProcess process, ExitReason reason)
    {
        process.TryTerminate(reason);
        if (!process.BeginCleanup())
        {
            return;
        }

        ExitReason final = process.Reason ?? reason;

        // The name goes first: whoever finds the pid gone (a send, a call or a monitor by name failing) finds the
        // name free too, so a noproc never comes back while the dead process still holds its name.
        if (process.Name is not null)
        {
            _processes.Unregister(process.Name, process.Pid);
        }

        _processes.Remove(process.Pid.Id);
        Monitors.ProcessExited(process.Pid, final);
        while (process.Mailbox.TryRead(out object? unread))
        {
            if (unread is CallRequest call)
            {
                Calls.SendFailure(call.Tag, CallFailureReason(final), null, null);
            }
        }

        process.CompleteExit();
    }

    /// <summary>What a call that a process exiting with <paramref name="exit"/> never handled fails with.</summary>
    private static ExitReason CallFailureReason(ExitReason exit) => exit.IsNormal ? ExitReason.NoProc : exit;

    /// <summary>
    /// A call that reaches a process whose mailbox is already closed (it is exiting, its clean-up not yet done) fails
    /// like the calls left in its mailbox, but only once its exit is complete: failing it at once let the caller see
    /// noproc while the process was still alive and named (a second stop, or a call racing a stop, issue 10). OTP's
    /// call monitor likewise fires only after the process is dead.
    /// </summary>
    private bool FailAfterExit(IMessageTarget target, object message)
    {
        if (message is not CallRequest call || target is not LocalProcess process)
        {
            return false;
        }

        process.Exited.ContinueWith(
            static (exited, state) =>
            {
                var (node, tag) = ((PartisanNode, Ref))state!;
                node.Calls.SendFailure(tag, CallFailureReason(exited.Result), null, null);
            },
            (this, call.Tag),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return true;
    }

    /// <summary>Registers <paramref name="pid"/> (a local process) as <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is invalid or taken, or the pid is not a live local process.</exception>
    public void Register(string name, Pid pid)
    {
        if (RegisteredName.Validate(name) is { } error)
        {
            throw new ArgumentException(error, nameof(name));
        }

        if (pid.Node != Name || !IsAlive(pid))
        {
            throw new ArgumentException($"{pid} is not a live process of {Name}.", nameof(pid));
        }

        if (!_processes.TryRegister(name, pid))
        {
            throw new ArgumentException($"The name '{name}' is already registered on {Name}.", nameof(name));
        }
    }

    /// <summary>Removes a registered name; false if it was not registered.</summary>
    public bool Unregister(string name) => _processes.Unregister(name);

    /// <summary>The pid registered as <paramref name="name"/> on this node, or null.</summary>
    public Pid? WhereIs(string name) => _processes.TryGetByName(name, out Pid pid) ? pid : null;

    /// <summary>The names registered on this node.</summary>
    public IReadOnlyList<string> RegisteredNames => _processes.RegisteredNames();

    /// <summary>True when <paramref name="pid"/> is a live process (or reply slot) of this node.</summary>
    public bool IsAlive(Pid pid) => pid.Node == Name && _processes.TryGet(pid.Id, out _);

    /// <summary>Completes with the exit reason when the local process <paramref name="pid"/> ends (at once with <c>noproc</c> if it is not alive).</summary>
    public Task<ExitReason> WhenExited(Pid pid) =>
        pid.Node == Name && _processes.TryGet(pid.Id, out IMessageTarget? target) && target is LocalProcess process
            ? process.Exited
            : Task.FromResult(ExitReason.NoProc);

    /// <summary>Makes <paramref name="target"/> (on any node) exit with <paramref name="reason"/>.</summary>
    public void Exit(ProcessRef target, ExitReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (target.Node == Name)
        {
            ExitLocal(target, reason);
        }
        else
        {
            _router.SendControl(target.Node, new ExitSignal(target, reason), ChannelOptions.DefaultName, PartitionHash.Of(target));
        }
    }

    internal void ExitLocal(ProcessRef target, ExitReason reason)
    {
        if (TryResolveLocal(target, out Pid pid) && _processes.TryGet(pid.Id, out IMessageTarget? found) && found is LocalProcess process)
        {
            Terminate(process, reason);
        }
    }

    /// <summary>Adds a non-process message target (a reply slot); returns its pid.</summary>
    internal Pid AddTarget(IMessageTarget target)
    {
        var pid = new Pid(Name, _processes.NextId());
        _processes.Add(pid.Id, target);
        return pid;
    }

    /// <summary>Removes a target added with <see cref="AddTarget"/>, firing its monitors with <paramref name="reason"/>.</summary>
    internal void RemoveTarget(Pid pid, ExitReason reason)
    {
        if (_processes.Remove(pid.Id))
        {
            Monitors.ProcessExited(pid, reason);
        }
    }

    internal bool TryResolveLocal(ProcessRef target, out Pid pid)
    {
        if (target.Node != Name)
        {
            pid = default;
            return false;
        }

        if (target.IsPid)
        {
            pid = target.Pid;
            return true;
        }

        return _processes.TryGetByName(target.Name!, out pid);
    }

    internal bool DeliverLocal(ProcessRef target, object message)
    {
        IMessageTarget? found;
        if (target.IsPid)
        {
            if (target.Node != Name || !_processes.TryGet(target.Id, out found))
            {
                return false;
            }
        }
        else if (!TryResolveLocal(target, out Pid pid) || !_processes.TryGet(pid.Id, out found))
        {
            return false;
        }

        return found.Post(message) || FailAfterExit(found, message);
    }

    internal void SendCallControl(NodeName node, object message, long key) =>
        _router.SendControl(node, message, ChannelOptions.DefaultName, key);

    internal bool SendControl(NodeName node, object message, Pid watcher) =>
        _router.SendControl(node, message, ChannelOptions.DefaultName, PartitionHash.Of(watcher));

    /// <summary>True for this node, and for a node reachable directly or by relay (what monitors and calls go by).</summary>
    internal bool IsReachable(NodeName node) => node == Name || _overlay.IsReachable(node);

    // ------------------------------------------------------------------ messaging

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
        if (node == Name)
        {
            return DeliverLocal(target, message);
        }

        return _router.Forward(node, target, message, options);
    }

    /// <summary>
    /// Like <see cref="ForwardMessage"/>, but with back-pressure: when the connection's send queue is full
    /// (<see cref="PartisanOptions.MaxPendingBytesPerConnection"/>), waits until the writer has drained it to half
    /// instead of dropping the message. Completes false only when the node is unknown or goes down.
    /// </summary>
    public ValueTask<bool> SendAsync(ProcessRef target, object message, ForwardOptions options = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (target.Node == Name)
        {
            return ValueTask.FromResult(DeliverLocal(target, message));
        }

        return _router.ForwardAsync(target.Node, target, message, options, cancellationToken);
    }

    /// <summary>
    /// Partisan's <c>cast_message</c>: sends <paramref name="message"/> wrapped as a <see cref="CastRequest"/> (OTP's
    /// <c>'$gen_cast'</c>) to the process registered as <paramref name="name"/> on <paramref name="node"/>.
    /// </summary>
    public bool CastMessage(NodeName node, string name, object message, ForwardOptions options = default) =>
        ForwardMessage(node, ProcessRef.ForName(name, node), new CastRequest(message), options);

    /// <summary>Sends <paramref name="request"/> to <paramref name="server"/> as a <see cref="CastRequest"/> (a gen_server cast).</summary>
    public bool Cast(ProcessRef server, object request, ForwardOptions options = default) =>
        ForwardMessage(server.Node, server, new CastRequest(request), options);

    /// <summary>The default call timeout, as in OTP (5 s).</summary>
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Sends <paramref name="request"/> to <paramref name="server"/> as a <see cref="CallRequest"/> and waits for the reply
    /// (OTP's <c>gen:call</c>). Fails with <see cref="CallTimeoutException"/> after <paramref name="timeout"/> (default 5 s, on
    /// the node's clock), <see cref="CalleeDownException"/> when the server does not exist, exits before replying, or its node
    /// goes down, and <see cref="CallFailedException"/> when its handler throws.
    /// </summary>
    public Task<object?> CallAsync(ProcessRef server, object request, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Calls.CallAsync(server, request, timeout ?? DefaultCallTimeout, default, cancellationToken);

    /// <summary>Like <see cref="CallAsync(ProcessRef, object, TimeSpan?, CancellationToken)"/>, with channel and partition key options.</summary>
    public Task<object?> CallAsync(ProcessRef server, object request, ForwardOptions options, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Calls.CallAsync(server, request, timeout ?? DefaultCallTimeout, options, cancellationToken);

    /// <summary>Calls <paramref name="server"/> and returns the reply as <typeparamref name="TReply"/>.</summary>
    /// <exception cref="CallFailedException">The reply is not a <typeparamref name="TReply"/> (or the handler threw).</exception>
    public async Task<TReply> CallAsync<TReply>(ProcessRef server, object request, ForwardOptions options = default, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        object? reply = await Calls.CallAsync(server, request, timeout ?? DefaultCallTimeout, options, cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            TReply typed => typed,
            null when default(TReply) is null => default!,
            _ => throw new CallFailedException(server, typeof(InvalidCastException).FullName!, $"The reply is {reply?.GetType().Name ?? "null"}, not {typeof(TReply).Name}."),
        };
    }

    /// <summary>Calls this node has made that wait for a reply.</summary>
    public int PendingCalls => Calls.PendingCount;

    /// <summary>The handle to answer the call <paramref name="request"/> with.</summary>
    public CallHandle HandleFor(CallRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new CallHandle(this, request.Tag);
    }

    /// <summary>Connected nodes, not including this one (Erlang's <c>nodes()</c>).</summary>
    public IReadOnlyList<NodeName> Nodes() => _peers.ConnectedNodes;

    /// <summary>Cluster members, including this node.</summary>
    public IReadOnlyList<NodeName> Members() => _peers.Members;

    /// <summary>True when at least one connection to <paramref name="node"/> (on <paramref name="channel"/>, if given) is open; always true for this node.</summary>
    public bool IsConnected(NodeName node, string? channel = null) => node == Name || _peers.IsConnected(node, channel);

    /// <summary>True when every connection of every channel to <paramref name="node"/> is open.</summary>
    public bool IsFullyConnected(NodeName node) => node == Name || _peers.IsFullyConnected(node);

    /// <summary>A reference unique in the cluster.</summary>
    public Ref MakeRef() => new(Name, Interlocked.Increment(ref _nextRef));

    // ------------------------------------------------------------------ monitors

    /// <summary>
    /// Monitors <paramref name="target"/> for the local process <paramref name="watcher"/>: it receives a <see cref="Down"/>
    /// when the target exits (<c>noproc</c> if it does not exist), or its node is disconnected (<c>noconnection</c>).
    /// </summary>
    public Ref Monitor(Pid watcher, ProcessRef target)
    {
        CheckLocal(watcher);
        return Monitors.Monitor(watcher, target);
    }

    /// <summary>Removes a monitor; false if it was not active (already fired or removed).</summary>
    public bool Demonitor(Ref monitorRef) => Monitors.Demonitor(monitorRef);

    /// <summary>Erlang's <c>monitor_node</c>: <paramref name="watcher"/> gets a <see cref="NodeDown"/> when <paramref name="node"/> disconnects (at once if it is not connected).</summary>
    public void MonitorNode(Pid watcher, NodeName node, bool enable = true)
    {
        CheckLocal(watcher);
        Monitors.MonitorNode(watcher, node, enable);
    }

    /// <summary>Erlang's <c>monitor_nodes</c>: <paramref name="watcher"/> gets <see cref="NodeUp"/> and <see cref="NodeDown"/> for every node.</summary>
    public void MonitorNodes(Pid watcher, bool enable = true)
    {
        CheckLocal(watcher);
        Monitors.MonitorNodes(watcher, enable);
    }

    private void CheckLocal(Pid watcher)
    {
        if (watcher.Node != Name)
        {
            throw new ArgumentException($"The watcher {watcher} is not a process of {Name}.", nameof(watcher));
        }
    }

    // ------------------------------------------------------------------ cluster

    /// <summary>Joins the cluster of the node at <paramref name="address"/> (<c>host:port</c>).</summary>
    public Task JoinAsync(string address, CancellationToken cancellationToken = default) =>
        _peers.JoinAsync(ListenAddress.Parse(address), cancellationToken);

    /// <summary>Joins the cluster of the node at <paramref name="address"/>.</summary>
    public Task JoinAsync(ListenAddress address, CancellationToken cancellationToken = default) =>
        _peers.JoinAsync(address, cancellationToken);

    /// <summary>Joins the node described by <paramref name="spec"/>.</summary>
    public Task JoinAsync(NodeSpec spec, CancellationToken cancellationToken = default) =>
        _peers.JoinAsync(spec, cancellationToken);

    /// <summary>Leaves the cluster (this node ends up alone).</summary>
    public Task LeaveAsync(CancellationToken cancellationToken = default) => _peers.LeaveAsync(cancellationToken);

    /// <summary>Removes <paramref name="node"/> from the cluster.</summary>
    public Task LeaveAsync(NodeName node, CancellationToken cancellationToken = default) => _peers.LeaveAsync(node, cancellationToken);

    /// <summary>Calls <paramref name="callback"/> when a node (or only <paramref name="node"/>) comes up.</summary>
    public IDisposable OnUp(Action<NodeName> callback, NodeName? node = null) => _peers.OnUp(callback, node);

    /// <summary>Calls <paramref name="callback"/> when a node (or only <paramref name="node"/>) goes down.</summary>
    public IDisposable OnDown(Action<NodeName, string> callback, NodeName? node = null) => _peers.OnDown(callback, node);

    /// <inheritdoc />
    public override string ToString() => Name.ToString();
}
