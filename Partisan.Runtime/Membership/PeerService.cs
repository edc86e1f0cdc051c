using Partisan.Connections;
using Partisan.Overlays;

namespace Partisan.Membership;

/// <summary>
/// The node's peer service (Partisan's <c>partisan_peer_service</c>): joining and leaving, and the cluster as the
/// application sees it. It composes the parts that do the work: the <see cref="OverlayRunner"/> (members,
/// neighbours, reachability), the <see cref="ConnectionManager"/> (connections) and <see cref="NodeEvents"/>
/// (up/down callbacks), all on one <see cref="NodeLoop"/>.
/// </summary>
internal sealed class PeerService : IPeerServiceManager
{
    private readonly NodeLoop _loop;
    private readonly ConnectionManager _connections;
    private readonly OverlayRunner _overlay;
    private readonly NodeEvents _events;
    private readonly IInboundHandler _inbound;
    private int _disposed;
    private bool _started;

    public PeerService(NodeLoop loop, ConnectionManager connections, OverlayRunner overlay, NodeEvents events, IInboundHandler inbound)
    {
        _loop = loop;
        _connections = connections;
        _overlay = overlay;
        _events = events;
        _inbound = inbound;
    }

    private NodeName Self => _connections.Self;

    public NodeSpec? LocalSpec => _started ? _connections.LocalSpec : null;

    /// <inheritdoc />
    public IReadOnlyList<NodeName> Members => _overlay.Members;

    /// <inheritdoc />
    public IReadOnlyList<NodeSpec> MemberSpecs => _overlay.MemberSpecs;

    /// <inheritdoc />
    public IReadOnlyList<NodeName> ConnectedNodes => _connections.ConnectedNodes;

    /// <summary>Listens, then starts the loop and the overlay. Returns the bound addresses.</summary>
    public async Task<IReadOnlyList<ListenAddress>> StartAsync(IReadOnlyList<ListenAddress> addresses, IReadOnlyList<ChannelOptions> channels, long incarnation, IReadOnlyList<string> tags, byte[] secretKey, CancellationToken cancellationToken)
    {
        IReadOnlyList<ListenAddress> bound = await _connections.ListenAsync(addresses, _overlay, _inbound, cancellationToken).ConfigureAwait(false);
        _connections.SetLocal(new NodeSpec(Self, bound, channels, incarnation, tags), secretKey);
        _started = true;
        _loop.Start();
        await _loop.InvokeAsync(_overlay.Start).ConfigureAwait(false);
        return bound;
    }

    /// <inheritdoc />
    public async Task JoinAsync(ListenAddress address, CancellationToken cancellationToken = default)
    {
        (Transport.ITransportConnection connection, Transport.HandshakeResult handshake) = await _connections.DialForJoinAsync(address, cancellationToken).ConfigureAwait(false);
        await _loop.InvokeAsync(() =>
        {
            _connections.AdoptJoinConnection(connection, handshake);
            _overlay.Join(handshake.Peer);
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task JoinAsync(NodeSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Name == Self)
        {
            throw new ArgumentException("A node cannot join itself.", nameof(spec));
        }

        return _loop.InvokeAsync(() => _overlay.Join(spec));
    }

    /// <inheritdoc />
    public Task LeaveAsync(CancellationToken cancellationToken = default) => _loop.InvokeAsync(async () =>
    {
        _overlay.Leave(Self);
        await _connections.DrainAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        _overlay.ResetNow("left");
    });

    /// <inheritdoc />
    public Task LeaveAsync(NodeName node, CancellationToken cancellationToken = default) =>
        node == Self ? LeaveAsync(cancellationToken) : _loop.InvokeAsync(() => _overlay.Leave(node));

    /// <inheritdoc />
    public bool IsConnected(NodeName node, string? channel = null) => _connections.IsConnected(node, channel);

    /// <inheritdoc />
    public bool IsFullyConnected(NodeName node) => _connections.IsFullyConnected(node);

    /// <inheritdoc />
    public IDisposable OnUp(Action<NodeName> callback, NodeName? node = null) => _events.OnUp(callback, node);

    /// <inheritdoc />
    public IDisposable OnDown(Action<NodeName, string> callback, NodeName? node = null) => _events.OnDown(callback, node);

    /// <summary>Stops the overlay and the connections, then the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_started || Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _loop.InvokeAsync(_overlay.Stop).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }

        await _connections.StopAsync().ConfigureAwait(false);
        await _loop.StopAsync().ConfigureAwait(false);
        _connections.Dispose();
    }
}
