namespace Partisan.Overlays.HyParView;

/// <summary>
/// Routes to members that are not neighbours, found on demand: a search floods the active-view graph (bounded by
/// <see cref="HyParViewOptions.RouteSearchHops"/>, each search id forwarded once per node; a neighbour of the destination
/// hands it to the destination alone), every node it passes learns the way back to its origin, and the destination answers
/// along that way, teaching each node on the path the way forward. A route whose next hop leaves the active view is withdrawn hop by hop (route errors), and the node that
/// asked for it searches again. Transitive relay then carries messages, calls and monitors along the routes.
/// </summary>
public sealed partial class HyParViewOverlay
{
    private const int SearchMemory = 4096;

    private readonly Dictionary<NodeName, RouteEntry> _routes = new();
    private readonly Queue<NodeName> _routeOrder = new();
    private readonly Dictionary<NodeName, long> _searches = new();
    private readonly Dictionary<SearchKey, int> _seenSearches = new();
    private readonly Queue<SearchKey> _seenOrder = new();
    private readonly List<NodeName> _lostRoutes = new();
    private long _searchId;

    /// <summary>The nodes this node has a route to (not neighbours), with the neighbour each route goes through. Loop only.</summary>
    public IReadOnlyDictionary<NodeName, NodeName> Routes
    {
        get
        {
            var routes = new Dictionary<NodeName, NodeName>(_routes.Count);
            foreach (KeyValuePair<NodeName, RouteEntry> pair in _routes)
            {
                routes[pair.Key] = pair.Value.Hop;
            }

            return routes;
        }
    }

    /// <inheritdoc />
    public NodeName? NextHop(NodeName destination) =>
        _routes.TryGetValue(destination, out RouteEntry? route) && IndexOf(_active, route.Hop) >= 0 ? route.Hop : null;

    /// <inheritdoc />
    public void RouteWanted(NodeName destination)
    {
        if (destination == _self.Name || IndexOf(_active, destination) >= 0 || NextHop(destination) is not null)
        {
            return;
        }

        StartSearch(destination);
    }

    private void StartSearch(NodeName destination)
    {
        if (_active.Count == 0 || _searches.ContainsKey(destination))
        {
            return;
        }

        _searches[destination] = _context.Time.GetTimestamp() + ToTimestamp(_options.RouteSearchTimeout);
        if (_searches.Count == 1)
        {
            _context.SetTimer(RoutesTimer, _options.RouteSearchTimeout);
        }

        long id = ++_searchId;
        RememberSearch(new SearchKey(_self.Name, id), int.MaxValue);
        HyParViewMessage request = HyParViewMessage.RouteRequest(_self, _self, destination, id, _options.RouteSearchHops, distance: 1);
        foreach (NodeSpec peer in _active)
        {
            _context.Send(peer.Name, request);
        }
    }

    private void OnRouteRequest(HyParViewMessage m)
    {
        NodeSpec origin = m.Subject!;
        NodeName destination = m.Target!.Value;
        if (!RequireNeighbour(m) || origin.Name == _self.Name || !RememberSearch(new SearchKey(origin.Name, m.Id), m.Ttl))
        {
            return;
        }

        if (m.Sequence is < 1 or > HyParViewMessageFormatter.MaxTtl)
        {
            HyParViewLog.Dropped(_context.Logger, m.Sender.Name, m.Kind.ToString(), $"distance {m.Sequence} is out of range");
            return;
        }

        int distance = (int)m.Sequence;
        LearnRoute(origin, m.Sender.Name, distance, sought: destination == _self.Name);
        if (destination == _self.Name)
        {
            _context.Send(m.Sender.Name, HyParViewMessage.RouteReply(_self, _self, origin.Name, distance: 1));
            return;
        }

        if (IndexOf(_active, destination) >= 0)
        {
            // The destination is a neighbour: hand the search to it alone, so it too learns the way back (its replies to
            // the origin need it) and answers itself.
            _context.Send(destination, HyParViewMessage.RouteRequest(_self, origin, destination, m.Id, Math.Max(1, m.Ttl - 1), distance + 1));
            return;
        }

        if (m.Ttl > 1)
        {
            HyParViewMessage onward = HyParViewMessage.RouteRequest(_self, origin, destination, m.Id, m.Ttl - 1, distance + 1);
            foreach (NodeSpec peer in _active)
            {
                if (peer.Name != m.Sender.Name && peer.Name != origin.Name)
                {
                    _context.Send(peer.Name, onward);
                }
            }
        }
    }

    private void OnRouteReply(HyParViewMessage m)
    {
        NodeSpec destination = m.Subject!;
        NodeName origin = m.Target!.Value;
        if (!RequireNeighbour(m) || destination.Name == _self.Name)
        {
            return;
        }

        if (m.Sequence is < 1 or > HyParViewMessageFormatter.MaxTtl)
        {
            HyParViewLog.Dropped(_context.Logger, m.Sender.Name, m.Kind.ToString(), $"distance {m.Sequence} is out of range");
            return;
        }

        int distance = (int)m.Sequence;
        LearnRoute(destination, m.Sender.Name, distance, sought: origin == _self.Name);
        if (origin == _self.Name)
        {
            _searches.Remove(destination.Name);
            return;
        }

        NodeName? back = IndexOf(_active, origin) >= 0 ? origin : NextHop(origin);
        if (back is { } hop && hop != m.Sender.Name)
        {
            _context.Send(hop, HyParViewMessage.RouteReply(_self, destination, origin, distance + 1));
        }
    }

    private void OnRouteError(HyParViewMessage m)
    {
        NodeName destination = m.Target!.Value;
        if (!RequireNeighbour(m) ||
            !_routes.TryGetValue(destination, out RouteEntry? route) || route.Hop != m.Sender.Name)
        {
            return;
        }

        WithdrawRoute(destination, route, except: m.Sender.Name);
    }

    /// <summary>Records a route to <paramref name="spec"/> through <paramref name="hop"/> unless a better one is known.</summary>
    private void LearnRoute(NodeSpec spec, NodeName hop, int distance, bool sought)
    {
        if (spec.Name == _self.Name || spec.Name == hop || IndexOf(_active, spec.Name) >= 0)
        {
            return;
        }

        if (_routes.TryGetValue(spec.Name, out RouteEntry? known))
        {
            if (spec.Incarnation < known.Spec.Incarnation)
            {
                return;
            }

            known.Sought |= sought;
            if (spec.Incarnation > known.Spec.Incarnation || distance < known.Distance || IndexOf(_active, known.Hop) < 0)
            {
                known.Spec = spec;
                known.Hop = hop;
                known.Distance = distance;
                _membersDirty = true;
            }

            return;
        }

        if (_routes.Count >= _options.MaxRoutes)
        {
            EvictRoute();
        }

        _routes[spec.Name] = new RouteEntry(spec, hop, distance, sought);
        _routeOrder.Enqueue(spec.Name);
        _membersDirty = true;
    }

    private void EvictRoute()
    {
        // Oldest first, preferring routes nobody here asked for; the queue may name routes already gone.
        int scanned = _routeOrder.Count;
        while (scanned-- > 0 && _routeOrder.TryDequeue(out NodeName name))
        {
            if (_routes.TryGetValue(name, out RouteEntry? route))
            {
                if (!route.Sought || _routes.Count > _options.MaxRoutes * 2)
                {
                    _routes.Remove(name);
                    return;
                }

                _routeOrder.Enqueue(name);
            }
        }

        // Every route was asked for: drop the oldest anyway.
        if (_routeOrder.TryDequeue(out NodeName oldest))
        {
            _routes.Remove(oldest);
        }
    }

    /// <summary><paramref name="hop"/> left the active view: every route through it is withdrawn.</summary>
    private void LostHop(NodeName hop)
    {
        _lostRoutes.Clear();
        foreach (KeyValuePair<NodeName, RouteEntry> pair in _routes)
        {
            if (pair.Value.Hop == hop)
            {
                _lostRoutes.Add(pair.Key);
            }
        }

        foreach (NodeName destination in _lostRoutes)
        {
            WithdrawRoute(destination, _routes[destination], except: hop);
        }
    }

    /// <summary>Drops a broken route, tells the neighbours (those routing through this node drop theirs), and searches again if this node wanted it.</summary>
    private void WithdrawRoute(NodeName destination, RouteEntry route, NodeName except)
    {
        _routes.Remove(destination);
        _membersDirty = true;
        HyParViewMessage error = HyParViewMessage.RouteError(_self, destination);
        foreach (NodeSpec peer in _active)
        {
            if (peer.Name != except)
            {
                _context.Send(peer.Name, error);
            }
        }

        if (route.Sought)
        {
            StartSearch(destination);
        }
    }

    private void ForgetRoute(NodeName node)
    {
        if (_routes.Remove(node))
        {
            _membersDirty = true;
        }
    }

    private NodeSpec? RouteSpec(NodeName node) => _routes.TryGetValue(node, out RouteEntry? route) ? route.Spec : null;

    private void AddRouteMembers()
    {
        foreach (RouteEntry route in _routes.Values)
        {
            AddMember(route.Spec);
        }
    }

    private void ExpireRoutes()
    {
        long now = _context.Time.GetTimestamp();
        long next = long.MaxValue;
        _lostRoutes.Clear();
        foreach (KeyValuePair<NodeName, long> search in _searches)
        {
            if (search.Value <= now)
            {
                _lostRoutes.Add(search.Key);
            }
            else
            {
                next = Math.Min(next, search.Value);
            }
        }

        foreach (NodeName destination in _lostRoutes)
        {
            _searches.Remove(destination);
            HyParViewLog.RouteNotFound(_context.Logger, destination);
        }

        if (next != long.MaxValue)
        {
            _context.SetTimer(RoutesTimer, _context.Time.GetElapsedTime(now, next) + TimeSpan.FromMilliseconds(1));
        }
    }

    /// <summary>
    /// Remembers a search id with the hops it has left; false if it was already seen with as many. Latencies differ, so the
    /// first copy to arrive may have come the long way with few hops left: a later copy with more hops left is passed on
    /// again (at most once per hop count), or the flood would stop short of nodes within its reach.
    /// </summary>
    private bool RememberSearch(SearchKey key, int ttl)
    {
        if (_seenSearches.TryGetValue(key, out int seen))
        {
            if (ttl <= seen)
            {
                return false;
            }

            _seenSearches[key] = ttl;
            return true;
        }

        _seenSearches[key] = ttl;
        _seenOrder.Enqueue(key);
        if (_seenOrder.Count > SearchMemory)
        {
            _seenSearches.Remove(_seenOrder.Dequeue());
        }

        return true;
    }

    private void ClearRoutes()
    {
        _routes.Clear();
        _routeOrder.Clear();
        _searches.Clear();
        _seenSearches.Clear();
        _seenOrder.Clear();
    }

    private readonly record struct SearchKey(NodeName Origin, long Id);

    private sealed class RouteEntry(NodeSpec spec, NodeName hop, int distance, bool sought)
    {
        public NodeSpec Spec { get; set; } = spec;

        public NodeName Hop { get; set; } = hop;

        public int Distance { get; set; } = distance;

        public bool Sought { get; set; } = sought;
    }
}
