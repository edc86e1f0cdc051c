using System.Collections.Frozen;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Partisan.Channels;
using Partisan.Diagnostics;
using Partisan.Monitoring;
using Partisan.Serialization;
using Partisan.Transport;

namespace Partisan.Membership;

/// <summary>
/// The peer service manager: runs the membership strategy, keeps one connection per (peer, channel,
/// index) in either direction, dials with backoff, resolves simultaneous dials by a tie-break (the
/// connection opened by the node with the lower name wins), routes messages, and reports nodes up
/// and down. All state changes happen on one loop; senders only read immutable snapshots.
/// </summary>
internal sealed partial class PeerServiceManager : IPeerServiceManager, IConnectionOwner, IAsyncDisposable
{
    private readonly PartisanNode _node;
    private readonly PartisanOptions _options;
    private readonly IMembershipStrategy _strategy;
    private readonly ITransport _transport;
    private readonly MessageCodec _codec;
    private readonly PartisanMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<ChannelOptions> _channels;
    private readonly FrozenDictionary<string, ChannelOptions> _channelByName;
    private readonly Channel<Func<Task>> _work = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<NodeName, PeerRoute> _peers = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<ITransportListener> _listeners = new();
    private readonly Lock _subscriptionsGate = new();
    private readonly List<Subscription> _subscriptions = new();
    private readonly Random _jitter = new();
    private HandshakeSettings _handshake = null!;
    private volatile FrozenDictionary<NodeName, PeerRoute> _routes = FrozenDictionary<NodeName, PeerRoute>.Empty;
    private volatile NodeSpec[] _memberSpecs = Array.Empty<NodeSpec>();
    private volatile NodeName[] _members = Array.Empty<NodeName>();
    private volatile NodeName[] _connected = Array.Empty<NodeName>();
    private Task? _loop;
    private ITimer? _tick;
    private bool _stopped;
    private int _disposed;

    public PeerServiceManager(
        PartisanNode node,
        PartisanOptions options,
        IMembershipStrategy strategy,
        ITransport transport,
        MessageCodec codec,
        PartisanMetrics metrics,
        ILogger logger,
        TimeProvider time,
        IReadOnlyList<ChannelOptions> channels)
    {
        _node = node;
        _options = options;
        _strategy = strategy;
        _transport = transport;
        _codec = codec;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _channels = channels;
        _channelByName = channels.ToFrozenDictionary(c => c.Name, StringComparer.Ordinal);
    }

    public NodeSpec LocalSpec { get; private set; } = null!;

    private NodeName Self => _node.Name;

    public IReadOnlyList<NodeName> Members => _members;

    public IReadOnlyList<NodeSpec> MemberSpecs => _memberSpecs;

    public IReadOnlyList<NodeName> ConnectedNodes => _connected;

    /// <summary>Listens, then starts the loop and the gossip timer. Returns the bound addresses.</summary>
    public async Task<IReadOnlyList<ListenAddress>> StartAsync(IReadOnlyList<ListenAddress> addresses, long incarnation, byte[] secretKey, CancellationToken cancellationToken)
    {
        var bound = new List<ListenAddress>();
        foreach (ListenAddress address in addresses)
        {
            ITransportListener listener = await _transport.ListenAsync(address, OnAcceptedAsync, cancellationToken).ConfigureAwait(false);
            _listeners.Add(listener);
            bound.Add(listener.LocalAddress);
        }

        LocalSpec = new NodeSpec(Self, bound, _channels, incarnation);
        _handshake = new HandshakeSettings(LocalSpec, secretKey, _options.HandshakeTimeout, _codec.Context, _time);
        _loop = Task.Run(LoopAsync, CancellationToken.None);
        await InvokeAsync(() => Apply(_strategy.Initialize(LocalSpec), "initialize")).ConfigureAwait(false);
        _tick = _time.CreateTimer(static s => ((PeerServiceManager)s!).Post(((PeerServiceManager)s!).OnTick), this, _options.GossipInterval, _options.GossipInterval);
        return bound;
    }

    // ---------------------------------------------------------------- the loop

    private async Task LoopAsync()
    {
        await foreach (Func<Task> work in _work.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.StrategyFailed(_logger, "a membership event", ex);
            }
        }
    }

    private void Post(Action action) => _work.Writer.TryWrite(() =>
    {
        action();
        return Task.CompletedTask;
    });

    private Task<bool> InvokeAsync(Action action) => InvokeAsync<bool>(() =>
    {
        action();
        return true;
    });

    private Task<T> InvokeAsync<T>(Func<T> function)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool posted = _work.Writer.TryWrite(() =>
        {
            try
            {
                done.TrySetResult(function());
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }

            return Task.CompletedTask;
        });
        if (!posted)
        {
            done.TrySetException(new ObjectDisposedException(nameof(PartisanNode), "The node has stopped."));
        }

        return done.Task;
    }

    private Task InvokeAsync(Func<Task> function)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool posted = _work.Writer.TryWrite(async () =>
        {
            try
            {
                await function().ConfigureAwait(false);
                done.TrySetResult();
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        });
        if (!posted)
        {
            done.TrySetException(new ObjectDisposedException(nameof(PartisanNode), "The node has stopped."));
        }

        return done.Task;
    }

    private void OnTick()
    {
        if (_stopped)
        {
            return;
        }

        Apply(SafeStrategy(() => _strategy.Periodic(), "periodic"), "periodic");
        List<NodeName>? stale = null;
        foreach (PeerRoute route in _peers.Values)
        {
            if (!route.IsMember && route.Connected == 0 && route.LiveSlots() == 0 && !HasDial(route))
            {
                (stale ??= new List<NodeName>()).Add(route.Name);
            }
        }

        if (stale is not null)
        {
            foreach (NodeName name in stale)
            {
                RemoveRoute(_peers[name], "not_a_member");
            }

            PublishRoutes();
        }

        EnsureConnections();
    }

    private static bool HasDial(PeerRoute route)
    {
        foreach (ConnectionSlot slot in route.AllSlots)
        {
            if (slot.Dialing)
            {
                return true;
            }
        }

        return false;
    }

    private MembershipUpdate? SafeStrategy(Func<MembershipUpdate> call, string what)
    {
        try
        {
            return call();
        }
        catch (Exception ex)
        {
            Log.StrategyFailed(_logger, what, ex);
            return null;
        }
    }

    // ---------------------------------------------------------------- membership

    private void Apply(MembershipUpdate? update, string cause)
    {
        if (update is null || _stopped)
        {
            return;
        }

        if (update.SelfRemoved)
        {
            Log.SelfRemoved(_logger);
            ResetToSingleton("removed");
            return;
        }

        var names = new HashSet<NodeName>();
        bool changed = false;
        foreach (NodeSpec spec in update.Members)
        {
            names.Add(spec.Name);
            if (spec.Name == Self)
            {
                continue;
            }

            if (!_peers.TryGetValue(spec.Name, out PeerRoute? route))
            {
                route = new PeerRoute(spec, isMember: true, _channels, _options.MaxPendingBytesPerConnection);
                _peers[spec.Name] = route;
                changed = true;
            }
            else
            {
                if (!route.IsMember)
                {
                    route.IsMember = true;
                    changed = true;
                }

                if (spec.Incarnation > route.Spec.Incarnation)
                {
                    NewIncarnation(route, spec);
                }
            }
        }

        if (changed)
        {
            PublishRoutes();
        }

        foreach (OutgoingMembershipMessage outgoing in update.Outgoing)
        {
            SendControl(outgoing.To, new MembershipMessage(outgoing.Message), ChannelOptions.MembershipName, 0);
        }

        List<PeerRoute>? departed = null;
        foreach (PeerRoute route in _peers.Values)
        {
            if (route.IsMember && !names.Contains(route.Name))
            {
                (departed ??= new List<PeerRoute>()).Add(route);
            }
        }

        if (departed is not null)
        {
            foreach (PeerRoute route in departed)
            {
                RemoveRoute(route, "left");
            }

            PublishRoutes();
            changed = true;
        }

        NodeSpec[] specs = update.Members.ToArray();
        Array.Sort(specs, static (a, b) => a.Name.CompareTo(b.Name));
        bool membersChanged = specs.Length != _memberSpecs.Length;
        for (int i = 0; !membersChanged && i < specs.Length; i++)
        {
            membersChanged = !specs[i].Equals(_memberSpecs[i]);
        }

        if (membersChanged)
        {
            _memberSpecs = specs;
            _members = Array.ConvertAll(specs, s => s.Name);
            Log.MembersChanged(_logger, string.Join(", ", _members));
        }

        if (changed || cause == "join")
        {
            EnsureConnections();
        }
    }

    private void ResetToSingleton(string reason)
    {
        foreach (PeerRoute route in _peers.Values.ToArray())
        {
            RemoveRoute(route, reason);
        }

        PublishRoutes();

        // A new incarnation, so the dots of this run's membership entry are fresh when it rejoins.
        long incarnation = Math.Max(LocalSpec.Incarnation + 1, _time.GetUtcNow().UtcTicks);
        LocalSpec = new NodeSpec(Self, LocalSpec.ListenAddresses, _channels, incarnation);
        _handshake = _handshake with { Local = LocalSpec };
        Apply(SafeStrategy(() => _strategy.Initialize(LocalSpec), "initialize"), "reset");
    }

    private void NewIncarnation(PeerRoute route, NodeSpec spec)
    {
        route.Spec = spec;
        route.Generation++;
        if (route.Connected > 0)
        {
            route.Connected = 0;
            FireDown(route, "restarted");
        }

        foreach (ConnectionSlot slot in route.AllSlots)
        {
            slot.Current?.Close("peer_restarted");
            slot.Current = null;
            slot.Backoff = TimeSpan.Zero;
            slot.NextDialAt = 0;
        }
    }

    private void RemoveRoute(PeerRoute route, string reason)
    {
        _peers.Remove(route.Name);
        route.Removed = true;
        route.IsMember = false;
        foreach (ConnectionSlot slot in route.AllSlots)
        {
            if (slot.Current is { IsClosed: false } connection)
            {
                connection.CloseGracefully();
            }
            else
            {
                slot.Queue.Clear();
            }
        }

        if (route.Connected > 0)
        {
            route.Connected = 0;
            FireDown(route, reason);
        }
    }

    private void PublishRoutes()
    {
        _routes = _peers.ToFrozenDictionary();
        PublishConnected();
    }

    // ---------------------------------------------------------------- connections

    private void EnsureConnections()
    {
        if (_stopped)
        {
            return;
        }

        long now = _time.GetTimestamp();
        foreach (PeerRoute route in _peers.Values)
        {
            if (!route.IsMember)
            {
                continue;
            }

            foreach (ConnectionSlot slot in route.AllSlots)
            {
                if (slot.Current is null && !slot.Dialing && now >= slot.NextDialAt)
                {
                    slot.Dialing = true;
                    _ = DialAsync(route, slot);
                }
            }
        }
    }

    private async Task DialAsync(PeerRoute route, ConnectionSlot slot)
    {
        NodeSpec spec = route.Spec;
        if (spec.ListenAddresses.Count == 0)
        {
            Post(() => DialFailed(route, slot, new PartisanException("The peer has no listen address.")));
            return;
        }

        ListenAddress address = spec.ListenAddresses[route.AddressIndex % spec.ListenAddresses.Count];
        ITransportConnection? connection = null;
        try
        {
            using (var connectTimeout = new CancellationTokenSource(_options.ConnectTimeout, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(connectTimeout.Token, _stopping.Token))
            {
                connection = await _transport.ConnectAsync(address, linked.Token).ConfigureAwait(false);
            }

            NodeSpec peer = await Handshake.InitiateAsync(connection, _handshake, slot.Channel.Name, slot.Index, spec.Name, _stopping.Token).ConfigureAwait(false);
            ITransportConnection established = connection;
            Post(() => OutboundEstablished(route, slot, established, peer));
        }
        catch (Exception ex)
        {
            connection?.Abort();
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            Post(() => DialFailed(route, slot, ex));
        }
    }

    private void DialFailed(PeerRoute route, ConnectionSlot slot, Exception error)
    {
        slot.Dialing = false;
        if (error is HandshakeException { Reason: HandshakeFailure.Duplicate })
        {
            slot.NextDialAt = _time.GetTimestamp() + ToTicks(_options.GossipInterval);
            return;
        }

        route.AddressIndex++;
        TimeSpan backoff = slot.Backoff == TimeSpan.Zero ? _options.ReconnectMinDelay : TimeSpan.FromTicks(Math.Min(slot.Backoff.Ticks * 2, _options.ReconnectMaxDelay.Ticks));
        slot.Backoff = backoff;
        double jitter = 0.5 + (_jitter.NextDouble() * 0.5);
        slot.NextDialAt = _time.GetTimestamp() + ToTicks(backoff * jitter);
        if (error is HandshakeException handshake && handshake.Reason is HandshakeFailure.AuthenticationFailed or HandshakeFailure.VersionMismatch or HandshakeFailure.BadPeerName)
        {
            Log.HandshakeFailed(_logger, route.Spec.ListenAddresses.Count > 0 ? route.Spec.ListenAddresses[0].ToString() : route.Name.Value, handshake.Message);
        }
        else
        {
            Log.DialFailed(_logger, route.Name, route.Spec.ListenAddresses.Count > 0 ? route.Spec.ListenAddresses[0].ToString() : "?", slot.Channel.Name, slot.Index, error.Message);
        }
    }

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private void OutboundEstablished(PeerRoute route, ConnectionSlot slot, ITransportConnection connection, NodeSpec peer)
    {
        slot.Dialing = false;
        if (_stopped || route.Removed || !ReferenceEquals(_peers.GetValueOrDefault(route.Name), route) || peer.Incarnation < route.Spec.Incarnation)
        {
            _ = connection.DisposeAsync().AsTask();
            return;
        }

        if (peer.Incarnation > route.Spec.Incarnation)
        {
            NewIncarnation(route, peer);
        }

        if (slot.Current is { IsClosed: false } existing)
        {
            // Keep the connection opened by the node with the lower name.
            if (Self < existing.Initiator)
            {
                existing.Close("replaced");
            }
            else
            {
                _ = connection.DisposeAsync().AsTask();
                return;
            }
        }

        Register(route, slot, connection, peer, outbound: true).Start();
    }

    private PeerConnection Register(PeerRoute route, ConnectionSlot slot, ITransportConnection transport, NodeSpec peer, bool outbound)
    {
        var connection = new PeerConnection(transport, peer, slot, outbound, this, _codec, _metrics, _logger, _time, _options.KeepAlive, _options.MaxFrameSize, Self);
        slot.Current = connection;
        slot.Backoff = TimeSpan.Zero;
        _generations[connection] = route.Generation;
        route.Connected++;
        Log.ConnectionUp(_logger, peer.Name, slot.Channel.Name, slot.Index, outbound ? "outbound" : "inbound");
        if (route.Connected == 1)
        {
            FireUp(route);
        }

        return connection;
    }

    private readonly Dictionary<PeerConnection, int> _generations = new();

    private async Task OnAcceptedAsync(ITransportConnection transport)
    {
        PeerConnection? reserved = null;
        try
        {
            await Handshake.AcceptAsync(
                transport,
                _handshake,
                ValidateInbound,
                async request =>
                {
                    (PeerConnection? connection, (HandshakeFailure, string)? refusal) = await InvokeAsync(() => DecideInbound(request, transport)).ConfigureAwait(false);
                    reserved = connection;
                    return refusal;
                },
                _stopping.Token).ConfigureAwait(false);
            PeerConnection accepted = reserved!;
            Post(() => InboundEstablished(accepted));
        }
        catch (Exception ex)
        {
            if (ex is HandshakeException handshake)
            {
                if (handshake.Reason is not HandshakeFailure.Duplicate and not HandshakeFailure.ShuttingDown)
                {
                    Log.HandshakeFailed(_logger, transport.RemoteEndPoint, handshake.Message);
                }
            }

            PeerConnection? abandoned = reserved;
            if (abandoned is not null)
            {
                Post(() => Abandon(abandoned));
            }

            transport.Abort();
            await transport.DisposeAsync().ConfigureAwait(false);
        }
    }

    private (HandshakeFailure, string)? ValidateInbound(NodeName initiator, string channel, int index)
    {
        if (initiator == Self)
        {
            return (HandshakeFailure.BadPeerName, "a node cannot connect to itself (same node name)");
        }

        if (!_channelByName.TryGetValue(channel, out ChannelOptions? options))
        {
            return (HandshakeFailure.UnknownChannel, $"channel '{channel}' is not configured on {Self}");
        }

        if (index < 0 || index >= options.Parallelism)
        {
            return (HandshakeFailure.UnknownChannel, $"connection index {index} is out of range for channel '{channel}' (parallelism {options.Parallelism})");
        }

        return null;
    }

    private (PeerConnection?, (HandshakeFailure, string)?) DecideInbound(InboundRequest request, ITransportConnection transport)
    {
        if (_stopped)
        {
            return (null, (HandshakeFailure.ShuttingDown, "the node is stopping"));
        }

        NodeSpec initiator = request.Initiator;
        if (!_peers.TryGetValue(initiator.Name, out PeerRoute? route))
        {
            route = new PeerRoute(initiator, isMember: false, _channels, _options.MaxPendingBytesPerConnection);
            _peers[initiator.Name] = route;
            PublishRoutes();
        }
        else if (initiator.Incarnation < route.Spec.Incarnation)
        {
            return (null, (HandshakeFailure.BadPeerName, "an older incarnation of that node has been replaced"));
        }

        bool restarted = false;
        if (initiator.Incarnation > route.Spec.Incarnation)
        {
            NewIncarnation(route, initiator);
            restarted = true;
        }

        ConnectionSlot slot = route.Channels[request.Channel].Slots[request.Index];
        PeerConnection? replaced = null;
        if (slot.Current is { IsClosed: false } existing)
        {
            if (existing.IsOutbound && Self < initiator.Name)
            {
                existing.Ping(); // if the peer really lost it, writing reveals that quickly
                return (null, (HandshakeFailure.Duplicate, "a connection opened by the lower-named node already serves this slot"));
            }

            replaced = existing; // closed once the new one is counted, so the node does not blink down and up
        }
        else if (slot.Dialing && Self < initiator.Name && !restarted)
        {
            // (A dial still running when the peer restarted goes to the old run's address; its result is discarded
            // by generation, so it must not turn the new run away: that failed the new run's join.)
            return (null, (HandshakeFailure.Duplicate, "this node is dialing the same slot and has the lower name"));
        }

        var connection = new PeerConnection(transport, initiator, slot, outbound: false, this, _codec, _metrics, _logger, _time, _options.KeepAlive, _options.MaxFrameSize, Self);
        slot.Current = connection; // reserved until the welcome is sent
        if (replaced is not null)
        {
            _replacing[connection] = replaced;
        }

        return (connection, null);
    }

    private void InboundEstablished(PeerConnection connection)
    {
        ConnectionSlot slot = connection.Slot;
        _replacing.Remove(connection, out PeerConnection? replaced);
        if (_stopped || !_peers.TryGetValue(connection.Peer.Name, out PeerRoute? route) || !ReferenceEquals(slot.Current, connection))
        {
            connection.Close("superseded");
            connection.Start();
            return;
        }

        slot.Backoff = TimeSpan.Zero;
        _generations[connection] = route.Generation;
        route.Connected++;
        Log.ConnectionUp(_logger, connection.Peer.Name, slot.Channel.Name, slot.Index, "inbound");
        if (route.Connected == 1)
        {
            FireUp(route);
        }

        connection.Start();
        replaced?.Close("replaced");
    }

    private void Abandon(PeerConnection connection)
    {
        _replacing.Remove(connection, out PeerConnection? replaced);
        if (ReferenceEquals(connection.Slot.Current, connection))
        {
            connection.Slot.Current = replaced is { IsClosed: false } ? replaced : null;
        }
    }

    private readonly Dictionary<PeerConnection, PeerConnection> _replacing = new();

    void IConnectionOwner.ConnectionClosed(PeerConnection connection, string reason) => Post(() => Closed(connection, reason));

    private void Closed(PeerConnection connection, string reason)
    {
        ConnectionSlot slot = connection.Slot;
        if (ReferenceEquals(slot.Current, connection))
        {
            slot.Current = null;
        }

        Log.ConnectionDown(_logger, connection.Peer.Name, slot.Channel.Name, slot.Index, reason);
        if (!_generations.Remove(connection, out int generation))
        {
            return; // never counted (superseded before start)
        }

        if (!_peers.TryGetValue(connection.Peer.Name, out PeerRoute? route) || route.Removed || route.Generation != generation)
        {
            return;
        }

        route.Connected--;
        if (route.Connected == 0)
        {
            FireDown(route, reason);
            if (!route.IsMember)
            {
                RemoveRoute(route, reason);
                PublishRoutes();
                return;
            }
        }

        if (route.IsMember && !_stopped)
        {
            slot.NextDialAt = _time.GetTimestamp() + ToTicks(_options.ReconnectMinDelay);
            EnsureConnections();
        }
    }

    // ---------------------------------------------------------------- up / down

    private void FireUp(PeerRoute route)
    {
        route.IsDown = false;
        PublishConnected();
        Log.NodeUp(_logger, route.Name);
        _node.Monitors.NodeUp(route.Name);
        foreach (Subscription subscription in SnapshotSubscriptions())
        {
            if (subscription.Up is not null && (subscription.Node is null || subscription.Node == route.Name))
            {
                Invoke(() => subscription.Up(route.Name));
            }
        }
    }

    private void FireDown(PeerRoute route, string reason)
    {
        route.IsDown = true;
        int dropped = 0;
        foreach (ConnectionSlot slot in route.AllSlots)
        {
            if (slot.Current is null)
            {
                dropped += slot.Queue.Clear();
            }
        }

        for (int i = 0; i < dropped; i++)
        {
            _metrics.Dropped("node_down");
        }

        PublishConnected();
        Log.NodeDown(_logger, route.Name, reason);
        _node.Monitors.NodeDown(route.Name, reason);
        _node.Calls.NodeDown(route.Name);
        foreach (Subscription subscription in SnapshotSubscriptions())
        {
            if (subscription.Down is not null && (subscription.Node is null || subscription.Node == route.Name))
            {
                Invoke(() => subscription.Down(route.Name, reason));
            }
        }
    }

    private void Invoke(Action callback)
    {
        try
        {
            callback();
        }
        catch (Exception ex)
        {
            Log.StrategyFailed(_logger, "an up/down callback", ex);
        }
    }

    private void PublishConnected()
    {
        var connected = new List<NodeName>();
        foreach (PeerRoute route in _peers.Values)
        {
            if (route.Connected > 0 && route.IsMember)
            {
                connected.Add(route.Name);
            }
        }

        connected.Sort();
        _connected = connected.ToArray();
    }

    private Subscription[] SnapshotSubscriptions()
    {
        lock (_subscriptionsGate)
        {
            return _subscriptions.ToArray();
        }
    }

    public IDisposable OnUp(Action<NodeName> callback, NodeName? node = null)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return AddSubscription(new Subscription(this, node, callback, null));
    }

    public IDisposable OnDown(Action<NodeName, string> callback, NodeName? node = null)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return AddSubscription(new Subscription(this, node, null, callback));
    }

    private Subscription AddSubscription(Subscription subscription)
    {
        lock (_subscriptionsGate)
        {
            _subscriptions.Add(subscription);
        }

        return subscription;
    }

    private sealed class Subscription(PeerServiceManager owner, NodeName? node, Action<NodeName>? up, Action<NodeName, string>? down) : IDisposable
    {
        public NodeName? Node => node;

        public Action<NodeName>? Up => up;

        public Action<NodeName, string>? Down => down;

        public void Dispose()
        {
            lock (owner._subscriptionsGate)
            {
                owner._subscriptions.Remove(this);
            }
        }
    }

    // ---------------------------------------------------------------- queries

    public bool IsConnected(NodeName node, string? channel = null)
    {
        if (!_routes.TryGetValue(node, out PeerRoute? route))
        {
            return false;
        }

        if (channel is null)
        {
            return route.LiveSlots() > 0;
        }

        if (route.GetChannel(channel) is not { } channelRoute)
        {
            return false;
        }

        foreach (ConnectionSlot slot in channelRoute.Slots)
        {
            if (slot.Current is { IsClosed: false })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The open connections (a snapshot, for diagnostics and tests).</summary>
    internal IReadOnlyList<PeerConnection> OpenConnections()
    {
        var open = new List<PeerConnection>();
        foreach (PeerRoute route in _routes.Values)
        {
            foreach (ConnectionSlot slot in route.AllSlots)
            {
                if (slot.Current is { IsClosed: false } connection)
                {
                    open.Add(connection);
                }
            }
        }

        return open;
    }

    public bool IsFullyConnected(NodeName node) =>
        _routes.TryGetValue(node, out PeerRoute? route) && route.LiveSlots() == route.AllSlots.Length;

    // ---------------------------------------------------------------- join / leave

    public async Task JoinAsync(ListenAddress address, CancellationToken cancellationToken = default)
    {
        ITransportConnection connection;
        using (var connectTimeout = new CancellationTokenSource(_options.ConnectTimeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(connectTimeout.Token, cancellationToken, _stopping.Token))
        {
            try
            {
                connection = await _transport.ConnectAsync(address, linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or OperationCanceledException or PartisanException && !cancellationToken.IsCancellationRequested)
            {
                throw new PartisanException($"Cannot join {address}: {ex.Message}", ex);
            }
        }

        NodeSpec peer;
        try
        {
            peer = await Handshake.InitiateAsync(connection, _handshake, ChannelOptions.MembershipName, 0, null, cancellationToken).ConfigureAwait(false);
            if (peer.Name == Self)
            {
                throw new PartisanException($"Cannot join {address}: that is this node ({Self}).");
            }
        }
        catch
        {
            connection.Abort();
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await InvokeAsync(() =>
        {
            if (_stopped)
            {
                _ = connection.DisposeAsync().AsTask();
                return;
            }

            if (!_peers.TryGetValue(peer.Name, out PeerRoute? route))
            {
                route = new PeerRoute(peer, isMember: false, _channels, _options.MaxPendingBytesPerConnection);
                _peers[peer.Name] = route;
                PublishRoutes();
            }
            else if (peer.Incarnation > route.Spec.Incarnation)
            {
                NewIncarnation(route, peer);
            }

            ConnectionSlot slot = route.Channels[ChannelOptions.MembershipName].Slots[0];
            if (slot.Current is { IsClosed: false })
            {
                _ = connection.DisposeAsync().AsTask();
            }
            else
            {
                Register(route, slot, connection, peer, outbound: true).Start();
            }

            Apply(SafeStrategy(() => _strategy.Join(peer), "join"), "join");
        }).ConfigureAwait(false);
    }

    public Task JoinAsync(NodeSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Name == Self)
        {
            throw new ArgumentException("A node cannot join itself.", nameof(spec));
        }

        return InvokeAsync(() => Apply(SafeStrategy(() => _strategy.Join(spec), "join"), "join"));
    }

    public Task LeaveAsync(CancellationToken cancellationToken = default) => InvokeAsync(async () =>
    {
        Apply(SafeStrategy(() => _strategy.Leave(Self), "leave"), "leave");
        await DrainAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        ResetToSingleton("left");
    });

    public Task LeaveAsync(NodeName node, CancellationToken cancellationToken = default)
    {
        if (node == Self)
        {
            return LeaveAsync(cancellationToken);
        }

        return InvokeAsync(() => Apply(SafeStrategy(() => _strategy.Leave(node), "leave"), "leave"));
    }

    private async Task DrainAsync(TimeSpan limit)
    {
        long start = _time.GetTimestamp();
        while (_time.GetElapsedTime(start) < limit)
        {
            bool pending = false;
            foreach (PeerRoute route in _peers.Values)
            {
                foreach (ConnectionSlot slot in route.AllSlots)
                {
                    pending |= slot.Current is { IsClosed: false } && slot.Queue.PendingBytes > 0;
                }
            }

            if (!pending)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), _time).ConfigureAwait(false);
        }
    }

    // ---------------------------------------------------------------- sending

    /// <summary>Queues <paramref name="message"/> for <paramref name="target"/> on <paramref name="node"/>. False when the node is unknown or down, or the queue is full.</summary>
    public bool Forward(NodeName node, ProcessRef target, object message, in ForwardOptions options)
    {
        if (!_routes.TryGetValue(node, out PeerRoute? route))
        {
            _metrics.Dropped("unknown_node");
            return false;
        }

        if (route.IsDown)
        {
            _metrics.Dropped("not_connected");
            return false;
        }

        string channelName = options.Channel ?? ChannelOptions.DefaultName;
        ChannelRoute channel = route.GetChannel(channelName) ?? throw new ArgumentException($"Unknown channel '{channelName}'. Configure it in PartisanOptions.Channels on every node.", nameof(options));
        long key = options.PartitionKey is null ? PartitionHash.Of(target) : PartitionHash.Of(options.PartitionKey);
        ConnectionSlot slot = channel.Slots.Length == 1 ? channel.Slots[0] : channel.Slots[(int)((ulong)key % (ulong)channel.Slots.Length)];
        OutboundFrame frame = OutboundFrame.Rent();
        try
        {
            _codec.EncodeMessage(frame, target, message, channel.Options.Compression);
        }
        catch
        {
            OutboundFrame.Return(frame);
            throw;
        }

        frame.Key = key;
        return Enqueue(slot, frame);
    }

    /// <summary>Like <see cref="Forward"/>, but waits for room when the connection's queue is full instead of dropping.</summary>
    public async ValueTask<bool> ForwardAsync(NodeName node, ProcessRef target, object message, ForwardOptions options, CancellationToken cancellationToken)
    {
        if (!_routes.TryGetValue(node, out PeerRoute? route) || route.IsDown)
        {
            _metrics.Dropped(route is null ? "unknown_node" : "not_connected");
            return false;
        }

        string channelName = options.Channel ?? ChannelOptions.DefaultName;
        ChannelRoute channel = route.GetChannel(channelName) ?? throw new ArgumentException($"Unknown channel '{channelName}'. Configure it in PartisanOptions.Channels on every node.", nameof(options));
        long key = options.PartitionKey is null ? PartitionHash.Of(target) : PartitionHash.Of(options.PartitionKey);
        ConnectionSlot slot = channel.Slots.Length == 1 ? channel.Slots[0] : channel.Slots[(int)((ulong)key % (ulong)channel.Slots.Length)];
        OutboundFrame frame = OutboundFrame.Rent();
        try
        {
            _codec.EncodeMessage(frame, target, message, channel.Options.Compression);
        }
        catch
        {
            OutboundFrame.Return(frame);
            throw;
        }

        frame.Key = key;
        if (slot.Queue.TryEnqueue(frame))
        {
            return true;
        }

        bool queued;
        try
        {
            queued = await slot.Queue.EnqueueAsync(frame, () => !route.Removed && !route.IsDown, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            OutboundFrame.Return(frame);
            throw;
        }

        if (!queued)
        {
            OutboundFrame.Return(frame);
            _metrics.Dropped("not_connected");
        }

        return queued;
    }

    private bool Enqueue(ConnectionSlot slot, OutboundFrame frame)
    {
        if (slot.Queue.TryEnqueue(frame))
        {
            Volatile.Write(ref slot.QueueFullLogged, 0);
            return true;
        }

        if (Interlocked.Exchange(ref slot.QueueFullLogged, 1) == 0)
        {
            Log.QueueFull(_logger, slot.Peer, slot.Channel.Name, slot.Index, slot.Queue.PendingBytes);
        }

        OutboundFrame.Return(frame);
        _metrics.Dropped("queue_full");
        return false;
    }

    /// <summary>Sends a runtime control message to <paramref name="node"/> on <paramref name="channel"/>, on the connection <paramref name="key"/> picks.</summary>
    public bool SendControl(NodeName node, object message, string channel, long key)
    {
        if (!_routes.TryGetValue(node, out PeerRoute? route) || route.GetChannel(channel) is not { } channelRoute)
        {
            return false;
        }

        ConnectionSlot slot = channelRoute.Slots[(int)((ulong)key % (ulong)channelRoute.Slots.Length)];
        OutboundFrame frame = OutboundFrame.Rent();
        try
        {
            _codec.EncodeControl(frame, message);
        }
        catch
        {
            OutboundFrame.Return(frame);
            throw;
        }

        frame.Key = key;
        if (slot.Channel.Monotonic)
        {
            return Enqueue(slot, frame);
        }

        slot.Queue.EnqueueUnbounded(frame);
        return true;
    }

    // ---------------------------------------------------------------- inbound

    void IConnectionOwner.DeliverMessage(PeerConnection from, ProcessRef target, object? message)
    {
        if (message is null || !_node.DeliverLocal(target, message))
        {
            _metrics.Dropped("no_process");
            if (message is CallRequest call)
            {
                _node.Calls.SendFailure(call.Tag, ExitReason.NoProc, null, null);
            }
        }
    }

    void IConnectionOwner.HandleControl(PeerConnection from, object? message)
    {
        switch (message)
        {
            case MembershipMessage membership:
                NodeName sender = from.Peer.Name;
                Post(() => Apply(SafeStrategy(() => _strategy.HandleMessage(sender, membership.Payload), "a membership message"), "message"));
                break;
            case MonitorRequest request:
                _node.Monitors.HandleMonitorRequest(request);
                break;
            case DemonitorRequest request:
                _node.Monitors.HandleDemonitorRequest(request);
                break;
            case DownNotice notice:
                _node.Monitors.HandleDownNotice(notice);
                break;
            case ExitSignal signal:
                _node.ExitLocal(signal.Target, signal.Reason);
                break;
            case CallReply reply:
                _node.Calls.OnReply(reply.Tag, reply.Value);
                break;
            case CallFailure failure:
                _node.Calls.OnFailure(failure.Tag, failure.Reason, failure.ErrorType, failure.ErrorMessage);
                break;
            default:
                Log.BadControlMessage(_logger, from.Peer.Name, $"unexpected control message {message?.GetType().Name ?? "null"}");
                break;
        }
    }

    void IConnectionOwner.MessageDropped(PeerConnection from, Exception error)
    {
        _metrics.Dropped("undecodable");
        Log.UndecodableMessage(_logger, from.Peer.Name, from.ChannelName, error.Message);
    }

    // ---------------------------------------------------------------- stop

    public async ValueTask DisposeAsync()
    {
        if (_loop is null || Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_tick is not null)
        {
            await _tick.DisposeAsync().ConfigureAwait(false);
        }

        foreach (ITransportListener listener in _listeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        var connections = new List<PeerConnection>();
        try
        {
            await InvokeAsync(() =>
            {
                _stopped = true;
                foreach (PeerRoute route in _peers.Values)
                {
                    foreach (ConnectionSlot slot in route.AllSlots)
                    {
                        if (slot.Current is { } connection)
                        {
                            connections.Add(connection);
                            connection.CloseGracefully();
                        }
                    }
                }
            }).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }

        Task all = Task.WhenAll(connections.ConvertAll(c => c.Completion));
        if (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false) != all)
        {
            foreach (PeerConnection connection in connections)
            {
                connection.Close("stopped");
            }
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _work.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
