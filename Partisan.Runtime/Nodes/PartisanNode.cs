using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Partisan.Channels;
using Partisan.Connections;
using Partisan.Diagnostics;
using Partisan.Membership;
using Partisan.Monitoring;
using Partisan.Overlays;
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
public sealed partial class PartisanNode : IAsyncDisposable
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
    private readonly string[] _tags;
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

        // First, so that a kind this build lacks fails before anything is built.
        IOverlay overlay = OverlayFactory.Create(options);
        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Partisan");
        Name = NodeName.Parse(options.NodeName!);
        TimeProvider = options.TimeProvider ?? TimeProvider.System;
        Types = options.TypeRegistry ?? TypeRegistry.Default;
        Types.ThrowIfInvalid();
        WireContext = new WireContext(Types, options.RemoteRefFormat, options.RemoteRefUriPadding);
        Monitors = new MonitorRegistry(this);
        Links = new LinkRegistry(this);
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
        _channels = BuildChannelTable(options.Channels, options.Broadcast);
        _tags = options.Tags.ToArray();

        // The layers, bottom up: connections, routing (send path and inbound dispatch), the overlay, the peer service.
        var loop = new NodeLoop(_logger);
        _connections = new ConnectionManager(loop, options, transport, codec, Metrics, _logger, TimeProvider, _channels, Name);
        _router = new Router(_connections, codec, Metrics, _logger, Pipeline, Name, options.EffectiveRelayHops);
        var dispatcher = new InboundDispatcher(this, Controls, Pipeline, codec, Metrics, _logger);
        dispatcher.UseRouter(_router);
        Random random = options.OverlaySeed is int seed ? new Random(seed) : new Random();
        var events = new NodeEvents(this, _logger);
        _overlay = new OverlayRunner(loop, overlay, _connections, _router, events, TimeProvider, random, _logger);
        _router.UseNextHops(() => _overlay.NextHops);
        _router.OnRouteMissing(_overlay.RequestRoute);
        _router.UseMembership(IsMember);
        _router.UseRouteWait(TimeProvider, options.RouteWaitTimeout, options.MaxPendingBytesPerConnection);
        _peers = new PeerService(loop, _connections, _overlay, events, dispatcher);

        if (options.PropagateTraceContext || Spans.Enabled)
        {
            InstallTraceContext();
        }

        ComposeDelivery(options, dispatcher);
        ComposeBroadcast(options);
        StartInspection();

        // Each subsystem handles its own control messages.
        Monitors.RegisterControlMessages(Controls);
        Links.RegisterControlMessages(Controls);
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

    private static List<ChannelOptions> BuildChannelTable(List<ChannelOptions> configured, Broadcast.BroadcastOptions broadcast)
    {
        var table = new List<ChannelOptions>();
        bool hasDefault = false;
        bool hasMembership = false;
        bool hasBroadcast = !broadcast.Enabled;
        foreach (ChannelOptions channel in configured)
        {
            hasDefault |= channel.Name == ChannelOptions.DefaultName;
            hasMembership |= channel.Name == ChannelOptions.MembershipName;
            hasBroadcast |= channel.Name == broadcast.Channel;
            table.Add(channel);
        }

        if (!hasBroadcast)
        {
            table.Add(new ChannelOptions(broadcast.Channel));
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
    internal ConnectionManager ConnectionManager => _connections;

    /// <summary>The pid of the process whose code is running (Erlang's <c>self()</c>).</summary>
    /// <exception cref="InvalidOperationException">Not called from inside a process of this node.</exception>
    public Pid Self => CurrentProcess.Value is { } context && context.Node == this
        ? context.Self
        : throw new InvalidOperationException("Self is only defined inside a process of this node (spawned with Spawn).");

    /// <summary>
    /// The local id of the process whose code is running (on any node of this OS process), or 0 outside processes: what a
    /// connection's writer keeps each sender's frames in order by (<see cref="Channels.OutboundFrame.Sender"/>).
    /// </summary>
    internal static long CurrentSenderId => CurrentProcess.Value is { } context ? context.Self.Id : 0;

    /// <summary>Starts listening and joins the configured seeds' cluster is left to the caller (or the hosted service).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The node was already started.");
        }

        long incarnation = TimeProvider.GetUtcNow().UtcTicks;
        _acks.Epoch = (ulong)incarnation;
        _causal.Run = (ulong)incarnation;
        Controls.Freeze(Types);
        _broadcast?.Start();
        IReadOnlyList<ListenAddress> bound = await _peers.StartAsync(_requestedAddresses, _channels, incarnation, _tags, _secretKey, cancellationToken).ConfigureAwait(false);
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

        _acks.Dispose();
        _causal.Dispose();
        await _peers.DisposeAsync().ConfigureAwait(false);
        _router.StopRouteWait();
        if (_broadcast is not null)
        {
            await _broadcast.StopAsync().ConfigureAwait(false);
        }

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

    // ------------------------------------------------------------------ cluster

    /// <summary>Connected nodes, not including this one (Erlang's <c>nodes()</c>).</summary>
    public IReadOnlyList<NodeName> Nodes() => _peers.ConnectedNodes;

    /// <summary>Cluster members, including this node.</summary>
    public IReadOnlyList<NodeName> Members() => _peers.Members;

    /// <summary>True when at least one connection to <paramref name="node"/> (on <paramref name="channel"/>, if given) is open; always true for this node.</summary>
    public bool IsConnected(NodeName node, string? channel = null) => node == Name || _peers.IsConnected(node, channel);

    /// <summary>True when every connection of every channel to <paramref name="node"/> is open.</summary>
    public bool IsFullyConnected(NodeName node) => node == Name || _peers.IsFullyConnected(node);

    /// <summary>Joins the cluster of the node at <paramref name="address"/> (<c>host:port</c>).</summary>
    /// <exception cref="HandshakeException">That node refused the connection; <see cref="HandshakeException.Reason"/> says why:
    /// <see cref="HandshakeFailure.AuthenticationFailed"/> for a wrong <see cref="PartisanOptions.ClusterSecret"/>,
    /// <see cref="HandshakeFailure.VersionMismatch"/>, <see cref="HandshakeFailure.ProtectionMismatch"/>... The cluster is unharmed.</exception>
    /// <exception cref="PartisanException">No connection could be made (nothing listens there, a timeout), or the address is this node's.</exception>
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

    /// <summary>
    /// The neighbour a message for <paramref name="node"/> is handed to: the node itself when this node has a connection
    /// to it, the relay hop when it is reached by relay, null when it is unreachable (or is this node). Thread-safe.
    /// </summary>
    public NodeName? NextHop(NodeName node) =>
        node == Name ? null
        : _peers.IsConnected(node, null) ? node
        : _overlay.NextHops.TryGetValue(node, out NodeName hop) ? hop
        : null;

    /// <summary>
    /// Makes sure <paramref name="node"/> can be reached (Erlang's <c>net_kernel:connect_node/1</c>): true at once when it is
    /// reachable, directly or by relay; otherwise asks the overlay for a route (HyParView searches the cluster for one), again
    /// every second, and waits until the node comes up. False when it does not within <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> ReachAsync(NodeName node, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (IsReachable(node))
        {
            return true;
        }

        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using IDisposable subscription = OnUp(_ => up.TrySetResult(), node);
        long started = TimeProvider.GetTimestamp();
        while (true)
        {
            // Asked again every second while waiting: a search that found nothing (HyParView's gives up after its
            // RouteSearchTimeout, e.g. while views change after a failure) is not retried by the overlay itself; a
            // request while one is still running is ignored.
            _overlay.RequestRoute(node);
            if (IsReachable(node))
            {
                return true;
            }

            TimeSpan remaining = timeout - TimeProvider.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return false;
            }

            try
            {
                await up.Task.WaitAsync(remaining < RouteRequestInterval ? remaining : RouteRequestInterval, TimeProvider, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (TimeoutException)
            {
                // not yet: ask again
            }
        }
    }

    private static readonly TimeSpan RouteRequestInterval = TimeSpan.FromSeconds(1);

    /// <summary>Calls <paramref name="callback"/> when a node (or only <paramref name="node"/>) comes up.</summary>
    public IDisposable OnUp(Action<NodeName> callback, NodeName? node = null) => _peers.OnUp(callback, node);

    /// <summary>Calls <paramref name="callback"/> when a node (or only <paramref name="node"/>) goes down.</summary>
    public IDisposable OnDown(Action<NodeName, string> callback, NodeName? node = null) => _peers.OnDown(callback, node);

    /// <inheritdoc />
    public override string ToString() => Name.ToString();
}
