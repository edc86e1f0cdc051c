using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Partisan.Channels;
using Partisan.Diagnostics;
using Partisan.Transport;

namespace Partisan.Connections;

/// <summary>
/// The connections of one node: one <see cref="PeerConnectionSet"/> per peer with a slot per (channel, index),
/// served by one connection in either direction. Dials the peers the overlay wants (with backoff and jitter),
/// accepts inbound connections (tie-break: the connection opened by the node with the lower name wins;
/// replacement by incarnation generation), and reports peers connected and disconnected. No membership logic:
/// which peers to keep is the overlay's decision, told through <see cref="Want"/> and <see cref="Unwant"/>.
/// All state changes on the node's loop; senders read the immutable <see cref="Table"/>.
/// </summary>
internal sealed partial class ConnectionManager : IConnectionOwner, IDisposable
{
    private readonly NodeLoop _loop;
    private readonly PartisanOptions _options;
    private readonly ITransport _transport;
    private readonly MessageCodec _codec;
    private readonly PartisanMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<ChannelOptions> _channels;
    private readonly FrozenDictionary<string, ChannelOptions> _channelByName;
    private readonly Dictionary<NodeName, PeerConnectionSet> _peers = new();
    private readonly Dictionary<PeerConnection, int> _generations = new();
    private readonly Dictionary<PeerConnection, PeerConnection> _replacing = new();
    private readonly List<ITransportListener> _listeners = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Random _jitter = new();
    private IConnectionEvents _events = null!;
    private IInboundHandler _inbound = null!;
    private HandshakeSettings _handshake = null!;
    private volatile FrozenDictionary<NodeName, PeerConnectionSet> _table = FrozenDictionary<NodeName, PeerConnectionSet>.Empty;
    private volatile NodeName[] _connected = [];
    private ITimer? _housekeeping;
    private ITimer? _keepAliveTicker;
    private ITimer? _redial;
    private long _redialAt = long.MaxValue;

    /// <summary>When the armed redial timer is due (a <see cref="TimeProvider"/> timestamp), or <see cref="long.MaxValue"/>: for tests on virtual time.</summary>
    internal long RedialDueAt => Volatile.Read(ref _redialAt);

    /// <summary>Fault injection (set before the node starts), or null.</summary>
    internal Faults.FaultInjector? Faults { get; set; }

    /// <summary>Called on the loop each time a connection to a peer is established (acknowledged delivery retransmits at once then).</summary>
    internal Action<NodeName>? ConnectionEstablished { get; set; }
    private bool _stopped;

    public ConnectionManager(
        NodeLoop loop,
        PartisanOptions options,
        ITransport transport,
        MessageCodec codec,
        PartisanMetrics metrics,
        ILogger logger,
        TimeProvider time,
        IReadOnlyList<ChannelOptions> channels,
        NodeName self)
    {
        _loop = loop;
        _options = options;
        _transport = transport;
        _codec = codec;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _channels = channels;
        _channelByName = channels.ToFrozenDictionary(c => c.Name, StringComparer.Ordinal);
        Self = self;
    }

    public NodeName Self { get; }

    /// <summary>This node's spec (a new incarnation after a reset).</summary>
    public NodeSpec LocalSpec { get; private set; } = null!;

    /// <summary>The channels every peer has.</summary>
    public IReadOnlyList<ChannelOptions> Channels => _channels;

    /// <summary>The peers with a connection set, for senders (an immutable snapshot).</summary>
    public FrozenDictionary<NodeName, PeerConnectionSet> Table => _table;

    /// <summary>Neighbours with at least one connection of their current incarnation, sorted (a snapshot; Erlang's <c>nodes()</c>).</summary>
    public IReadOnlyList<NodeName> ConnectedNodes => _connected;

    /// <summary>Listens on <paramref name="addresses"/> and returns the bound addresses (with real ports).</summary>
    public async Task<IReadOnlyList<ListenAddress>> ListenAsync(IReadOnlyList<ListenAddress> addresses, IConnectionEvents events, IInboundHandler inbound, CancellationToken cancellationToken)
    {
        _events = events;
        _inbound = inbound;
        var bound = new List<ListenAddress>();
        foreach (ListenAddress address in addresses)
        {
            ITransportListener listener = await _transport.ListenAsync(address, OnAcceptedAsync, cancellationToken).ConfigureAwait(false);
            _listeners.Add(listener);
            bound.Add(listener.LocalAddress);
        }

        return bound;
    }

    /// <summary>The key derived from the cluster secret.</summary>
    public byte[] SecretKey { get; private set; } = [];

    /// <summary>Sets this node's spec (at start, and with a new incarnation after a reset); handshakes use it from now on.</summary>
    public void SetLocal(NodeSpec spec, byte[] secretKey)
    {
        LocalSpec = spec;
        SecretKey = secretKey;
        _handshake = new HandshakeSettings(spec, secretKey, _options.HandshakeTimeout, _codec.Context, _time, _options.ProtocolVersions, _options.FrameProtection);
        _housekeeping ??= _time.CreateTimer(static s => ((ConnectionManager)s!)._loop.Post(((ConnectionManager)s!).Housekeeping), this, _options.GossipInterval, _options.GossipInterval);
        if (_options.KeepAlive.Enabled && _keepAliveTicker is null)
        {
            KeepAliveOptions keepAlive = _options.KeepAlive;
            TimeSpan period = keepAlive.Interval < keepAlive.IdleTimeout ? keepAlive.Interval : keepAlive.IdleTimeout;
            _keepAliveTicker = _time.CreateTimer(static s => ((ConnectionManager)s!).KeepAliveTick(), this, period, period);
        }
    }

    // ---------------------------------------------------------------- what the overlay wants

    /// <summary>Keeps every slot to <paramref name="spec"/> connected (a neighbour). Loop only.</summary>
    public void Want(NodeSpec spec)
    {
        bool known = _peers.ContainsKey(spec.Name);
        PeerConnectionSet set = GetOrAdd(spec, wanted: true, out bool changed);
        if (!known && spec.Name < Self)
        {
            // Both ends of a new pair usually learn of each other at once and dial at once, and the dial of the node
            // whose name sorts lower wins the tie-break: the higher one gives it ReconnectMinDelay before dialing
            // itself, so a cluster forming does one handshake per connection instead of two (64 nodes: 8,000 fewer).
            long graceEnds = _time.GetTimestamp() + ToTicks(_options.ReconnectMinDelay);
            foreach (ConnectionSlot slot in set.AllSlots)
            {
                slot.NextDialAt = graceEnds;
            }
        }

        if (!set.Wanted)
        {
            set.Wanted = true;
            changed = true;
            PublishConnected();
        }

        // Wanting a peer that is already wanted and known changes nothing: the overlay runner calls this for every
        // neighbour after every overlay call, so it must cost O(1), not a walk over every slot of every peer.
        if (changed)
        {
            EnsureConnections(set);
        }
    }

    /// <summary>Stops keeping <paramref name="node"/> connected: its connections close after what is queued. Loop only.</summary>
    public void Unwant(NodeName node, string reason)
    {
        if (_peers.TryGetValue(node, out PeerConnectionSet? set) && set.Wanted)
        {
            set.Wanted = false;
            Remove(set, reason);
            Publish();
        }
    }

    /// <summary>The set for <paramref name="spec"/>, added (not wanted) if absent, dialed because something is sent to it. Loop only.</summary>
    public PeerConnectionSet OnDemand(NodeSpec spec)
    {
        PeerConnectionSet set = GetOrAdd(spec, wanted: false, out _);
        if (!set.Wanted)
        {
            set.OnDemand = true;
            EnsureConnections(set);
        }

        return set;
    }

    /// <summary>Closes every connection to <paramref name="node"/> after what is queued, and forgets it. Loop only.</summary>
    public void Disconnect(NodeName node, string reason)
    {
        if (_peers.TryGetValue(node, out PeerConnectionSet? set))
        {
            Remove(set, reason);
            Publish();
        }
    }

    /// <summary>Closes everything (a reset to a cluster of one, or a leave). Loop only.</summary>
    public void DisconnectAll(string reason)
    {
        foreach (PeerConnectionSet set in _peers.Values.ToArray())
        {
            Remove(set, reason);
        }

        Publish();
    }

    private PeerConnectionSet GetOrAdd(NodeSpec spec, bool wanted, out bool changed)
    {
        changed = true;
        if (!_peers.TryGetValue(spec.Name, out PeerConnectionSet? set))
        {
            set = new PeerConnectionSet(spec, wanted, _channels, _options.MaxPendingBytesPerConnection, _options.BackPressureBytesPerConnection);
            _peers[spec.Name] = set;
            Publish();
        }
        else if (spec.Incarnation > set.Spec.Incarnation)
        {
            NewIncarnation(set, spec);
        }
        else
        {
            changed = false;
        }

        return set;
    }

    private void NewIncarnation(PeerConnectionSet set, NodeSpec spec)
    {
        set.Spec = spec;
        set.Generation++;
        foreach (ConnectionSlot slot in set.AllSlots)
        {
            slot.Current?.Close("peer_restarted");
            slot.Current = null;
            slot.Previous = null;
            slot.Backoff = TimeSpan.Zero;
            slot.NextDialAt = 0;
        }

        if (set.Connected > 0)
        {
            set.Connected = 0;
            PeerDown(set, "restarted");
        }
    }

    private void Remove(PeerConnectionSet set, string reason)
    {
        _peers.Remove(set.Name);
        set.Removed = true;
        set.Wanted = false;
        foreach (ConnectionSlot slot in set.AllSlots)
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

        if (set.Connected > 0)
        {
            set.Connected = 0;
            PeerDown(set, reason);
        }
    }

    private void Publish()
    {
        _table = _peers.ToFrozenDictionary();
        PublishConnected();
    }

    private void PublishConnected()
    {
        var connected = new List<NodeName>();
        foreach (PeerConnectionSet set in _peers.Values)
        {
            if (set.Connected > 0 && set.Wanted)
            {
                connected.Add(set.Name);
            }
        }

        connected.Sort();
        _connected = connected.ToArray();
    }

    private void Housekeeping()
    {
        if (_stopped)
        {
            return;
        }

        List<PeerConnectionSet>? stale = null;
        foreach (PeerConnectionSet set in _peers.Values)
        {
            if (!set.Wanted && set.Connected == 0 && set.IsIdle())
            {
                (stale ??= new List<PeerConnectionSet>()).Add(set);
            }
        }

        if (stale is not null)
        {
            foreach (PeerConnectionSet set in stale)
            {
                Remove(set, "not_a_neighbour");
            }

            Publish();
        }

        EnsureConnections();
    }

    // ---------------------------------------------------------------- up / down

    private void PeerUp(PeerConnectionSet set)
    {
        set.IsDown = false;
        PublishConnected();
        _events.PeerConnected(set.Spec);
    }

    private void PeerDown(PeerConnectionSet set, string reason)
    {
        set.IsDown = true;
        int dropped = 0;
        foreach (ConnectionSlot slot in set.AllSlots)
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
        _events.PeerDisconnected(set.Name, reason);
    }

    // ---------------------------------------------------------------- queries

    /// <summary>True when at least one connection to <paramref name="node"/> is open (on <paramref name="channel"/> if given).</summary>
    public bool IsConnected(NodeName node, string? channel = null)
    {
        if (!_table.TryGetValue(node, out PeerConnectionSet? set))
        {
            return false;
        }

        if (channel is null)
        {
            return set.LiveSlots() > 0;
        }

        if (set.GetChannel(channel) is not { } slots)
        {
            return false;
        }

        foreach (ConnectionSlot slot in slots.Slots)
        {
            if (slot.Current is { IsClosed: false })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when every connection of every channel to <paramref name="node"/> is open.</summary>
    public bool IsFullyConnected(NodeName node) =>
        _table.TryGetValue(node, out PeerConnectionSet? set) && set.LiveSlots() == set.AllSlots.Length;

    /// <summary>True when the peer has a connection of its current incarnation (as the loop last saw it).</summary>
    public bool IsUp(NodeName node) => _table.TryGetValue(node, out PeerConnectionSet? set) && !set.Removed && set.Connected > 0;

    /// <summary>The open connections (a snapshot, for diagnostics and tests).</summary>
    public IReadOnlyList<PeerConnection> OpenConnections()
    {
        var open = new List<PeerConnection>();
        foreach (PeerConnectionSet set in _table.Values)
        {
            foreach (ConnectionSlot slot in set.AllSlots)
            {
                if (slot.Current is { IsClosed: false } connection)
                {
                    open.Add(connection);
                }
            }
        }

        return open;
    }

    // On a timer thread: every connection of the published table gets its keep-alive check (one timer a node: with
    // thousands of connections, one timer each cost more than the pings).
    private void KeepAliveTick()
    {
        foreach (PeerConnectionSet set in _table.Values)
        {
            foreach (ConnectionSlot slot in set.AllSlots)
            {
                slot.Current?.KeepAliveTick();
            }
        }
    }

    /// <summary>Waits (up to <paramref name="limit"/>) until nothing is queued on open connections.</summary>
    public async Task DrainAsync(TimeSpan limit)
    {
        long start = _time.GetTimestamp();
        while (_time.GetElapsedTime(start) < limit)
        {
            bool pending = false;
            foreach (PeerConnectionSet set in _table.Values)
            {
                foreach (ConnectionSlot slot in set.AllSlots)
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

    // ---------------------------------------------------------------- stop

    /// <summary>Stops listening, says goodbye on every connection, and waits (bounded) for them to end.</summary>
    public async ValueTask StopAsync()
    {
        if (_keepAliveTicker is not null)
        {
            await _keepAliveTicker.DisposeAsync().ConfigureAwait(false);
        }

        if (_housekeeping is not null)
        {
            await _housekeeping.DisposeAsync().ConfigureAwait(false);
        }

        foreach (ITransportListener listener in _listeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        var connections = new List<PeerConnection>();
        try
        {
            await _loop.InvokeAsync(() =>
            {
                _stopped = true;
                _redial?.Dispose();
                foreach (PeerConnectionSet set in _peers.Values)
                {
                    foreach (ConnectionSlot slot in set.AllSlots)
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
    }

    /// <summary>Releases what <see cref="StopAsync"/> left (after the loop has stopped).</summary>
    public void Dispose() => _stopping.Dispose();
}
