namespace Partisan.Overlays.Static;

/// <summary>
/// The static overlay (Partisan's <c>partisan_static_peer_service_manager</c>, which crashes at start there, its issue #267):
/// the members are exactly the configured nodes (<see cref="StaticOverlayOptions.Nodes"/>), every one is a neighbour, and
/// nothing is gossiped. Node up and down follow the connections, as in full mesh.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><b>Join</b> of a configured node adds it back if this node had removed it (and, after a self-leave, restores the
/// whole configuration); of any other node is refused and logged: close that connection, change nothing.</item>
/// <item><b>Admission:</b> a node that is not configured, or that this node removed, cannot connect; neither can anyone
/// after this node left, until it joins again. The initiator is told why.</item>
/// <item><b>Leave</b> of another node removes it from this node's view only (members, neighbours, connections): the
/// others keep theirs, since nothing is gossiped. A self-leave leaves this node alone until it joins a configured node.</item>
/// <item>A member's spec is the configured one (no channels, incarnation 0) until a connection brings the node's own.</item>
/// </list>
/// </remarks>
public sealed class StaticOverlay : IOverlay
{
    private readonly NodeSpec[] _configured;
    private readonly Dictionary<NodeName, int> _index = new();
    private readonly NodeSpec[] _current;
    private readonly bool[] _removed;
    private IOverlayContext _context = null!;
    private NodeSpec[] _members = [];
    private NodeSpec[] _neighbours = [];
    private bool _departed;

    /// <summary>Creates a static overlay of the nodes <paramref name="options"/> lists.</summary>
    /// <exception cref="ArgumentException">The options are invalid (<see cref="StaticOverlayOptions.Validate"/>).</exception>
    public StaticOverlay(StaticOverlayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _configured = options.ToSpecs();
        _current = (NodeSpec[])_configured.Clone();
        _removed = new bool[_configured.Length];
        for (int i = 0; i < _configured.Length; i++)
        {
            _index[_configured[i].Name] = i;
        }
    }

    /// <inheritdoc />
    public IReadOnlyCollection<NodeSpec> Members => _members;

    /// <inheritdoc />
    public IReadOnlyCollection<NodeSpec> Neighbours => _neighbours;

    /// <summary>True when <paramref name="node"/> is one of the configured nodes.</summary>
    public bool IsConfigured(NodeName node) => _index.ContainsKey(node);

    /// <inheritdoc />
    public void Start(IOverlayContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        Recompute();
    }

    /// <inheritdoc />
    public void Join(NodeSpec peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (!_index.TryGetValue(peer.Name, out int i))
        {
            StaticOverlayLog.JoinRefused(_context.Logger, peer.Name);

            // A join by address has opened a connection already: close it, the node is no member.
            _context.Disconnect(peer.Name);
            return;
        }

        if (_departed)
        {
            _departed = false;
            Array.Clear(_removed);
        }

        _removed[i] = false;
        Observe(i, peer);
        Recompute();
    }

    /// <inheritdoc />
    public void Leave(NodeName node)
    {
        if (node == _context.Self.Name)
        {
            _departed = true;
        }
        else if (_index.TryGetValue(node, out int i))
        {
            _removed[i] = true;
            _context.Disconnect(node);
        }
        else
        {
            return;
        }

        StaticOverlayLog.Removed(_context.Logger, node);
        Recompute();
    }

    /// <inheritdoc />
    public void HandleMessage(NodeName from, object message) => StaticOverlayLog.UnexpectedMessage(_context.Logger, from);

    /// <inheritdoc />
    public void OnTimer(string name)
    {
    }

    /// <inheritdoc />
    public void OnConnected(NodeSpec peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (_index.TryGetValue(peer.Name, out int i) && Observe(i, peer))
        {
            Recompute();
        }
    }

    /// <inheritdoc />
    public void OnDisconnected(NodeName peer, string reason)
    {
    }

    /// <inheritdoc />
    public OverlayAdmission Admit(NodeSpec initiator, string channel)
    {
        ArgumentNullException.ThrowIfNull(initiator);
        string? refusal = _context is null ? "this node is starting"
            : _departed ? $"{_context.Self.Name} has left its static cluster"
            : !_index.TryGetValue(initiator.Name, out int i) ? $"{initiator.Name} is not in the static configuration of {_context.Self.Name} (Partisan:Overlay:Nodes)"
            : _removed[i] ? $"{_context.Self.Name} removed {initiator.Name} from its view (it must join again)"
            : null;
        if (refusal is null)
        {
            return OverlayAdmission.Accept;
        }

        if (_context is not null)
        {
            StaticOverlayLog.ConnectionRefused(_context.Logger, initiator.Name, refusal);
        }

        return OverlayAdmission.Refuse(refusal);
    }

    /// <inheritdoc />
    public NodeName? NextHop(NodeName destination) => null;

    // Keeps the newest spec a node showed (its own, from a connection), in place of the configured one.
    private bool Observe(int i, NodeSpec spec)
    {
        NodeSpec known = _current[i];
        if (spec.Incarnation <= known.Incarnation || spec.Equals(known))
        {
            return false;
        }

        _current[i] = spec;
        return true;
    }

    private void Recompute()
    {
        NodeSpec self = _context.Self;
        int count = 0;
        for (int i = 0; i < _current.Length; i++)
        {
            count += _current[i].Name != self.Name && !_removed[i] && !_departed ? 1 : 0;
        }

        var neighbours = new NodeSpec[count];
        var members = new NodeSpec[count + 1];
        members[0] = self;
        int n = 0;
        for (int i = 0; i < _current.Length; i++)
        {
            if (_current[i].Name != self.Name && !_removed[i] && !_departed)
            {
                neighbours[n] = _current[i];
                members[++n] = _current[i];
            }
        }

        _neighbours = neighbours;
        _members = members;
    }
}
