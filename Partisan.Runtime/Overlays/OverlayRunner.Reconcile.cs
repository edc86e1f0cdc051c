using System.Collections.Frozen;
using Partisan.Diagnostics;

namespace Partisan.Overlays;

/// <summary>
/// Reconciling with the overlay (connections to its neighbours, the published member list) and reachability: which
/// nodes are up, directly or by relay, and the next hops senders use.
/// </summary>
internal sealed partial class OverlayRunner
{
    // ---------------------------------------------------------------- reconcile

    // Reconcile runs after every overlay call and connection event, so it reuses these sets and allocates nothing
    // unless the members changed: with n members it is O(n), not O(n log n) plus n allocations (issue 11: with
    // n² connection events while a cluster forms, that difference is what kept 64 nodes from converging).
    private readonly HashSet<NodeName> _neighbourNames = new();
    private readonly HashSet<NodeName> _memberNameSet = new();
    private readonly List<NodeName> _dropped = new();

    private void Reconcile()
    {
        IReadOnlyCollection<NodeSpec> members = _overlay.Members;
        IReadOnlyCollection<NodeSpec> neighbours = _overlay.Neighbours;
        NodeName self = Self.Name;
        HashSet<NodeName> neighbourNames = _neighbourNames;
        neighbourNames.Clear();
        foreach (NodeSpec spec in neighbours)
        {
            if (spec.Name == self)
            {
                continue;
            }

            neighbourNames.Add(spec.Name);
            _connections.Want(spec);
        }

        _dropped.Clear();
        foreach (NodeName name in _wanted)
        {
            if (!neighbourNames.Contains(name))
            {
                _dropped.Add(name);
            }
        }

        HashSet<NodeName> memberNames = _memberNameSet;
        memberNames.Clear();
        foreach (NodeSpec spec in members)
        {
            memberNames.Add(spec.Name);
        }

        foreach (NodeName name in _dropped)
        {
            _wanted.Remove(name);
            _connections.Unwant(name, memberNames.Contains(name) ? "not_a_neighbour" : "left");
        }

        _wanted.UnionWith(neighbourNames);
        bool membersChanged = PublishMembers(members);
        if (_topologyChanged is not null && (membersChanged || !_publishedNeighbours.SetEquals(neighbourNames)))
        {
            PublishTopology(neighbourNames);
        }

        _partial = false;
        foreach (NodeName name in memberNames)
        {
            if (name != self && !neighbourNames.Contains(name))
            {
                _partial = true;
                break;
            }
        }

        UpdateAllReachability(memberNames, "noconnection");
    }

    // Neighbours and members as last handed to the topology listener (the broadcast engine), so it hears of changes only.
    private readonly HashSet<NodeName> _publishedNeighbours = new();
    private Action<NodeName[], NodeName[]>? _topologyChanged;

    /// <summary>
    /// Calls <paramref name="listener"/> on the loop with the neighbours (this node left out) and the members (this node
    /// included) whenever either changes; set before the node starts.
    /// </summary>
    public void OnTopologyChanged(Action<NodeName[], NodeName[]> listener) => _topologyChanged = listener;

    private void PublishTopology(HashSet<NodeName> neighbourNames)
    {
        _publishedNeighbours.Clear();
        _publishedNeighbours.UnionWith(neighbourNames);
        var neighbours = new NodeName[neighbourNames.Count];
        neighbourNames.CopyTo(neighbours);
        _topologyChanged!(neighbours, _memberNames);
    }

    private bool PublishMembers(IReadOnlyCollection<NodeSpec> members)
    {
        if (!MembersChanged(members))
        {
            return false;
        }

        var specs = new NodeSpec[members.Count];
        int i = 0;
        foreach (NodeSpec spec in members)
        {
            specs[i++] = spec;
        }

        Array.Sort(specs, static (a, b) => a.Name.CompareTo(b.Name));
        _memberIndex.Clear();
        foreach (NodeSpec spec in specs)
        {
            _memberIndex[spec.Name] = spec;
        }

        _memberSpecs = specs;
        _memberNames = Array.ConvertAll(specs, s => s.Name);
        Log.MembersChanged(_logger, string.Join(", ", _memberNames));
        return true;
    }

    private readonly Dictionary<NodeName, NodeSpec> _memberIndex = new();

    private bool MembersChanged(IReadOnlyCollection<NodeSpec> members)
    {
        if (members.Count != _memberIndex.Count)
        {
            return true;
        }

        foreach (NodeSpec spec in members)
        {
            if (!_memberIndex.TryGetValue(spec.Name, out NodeSpec? known) || !known.Equals(spec))
            {
                return true;
            }
        }

        return false;
    }

    // ---------------------------------------------------------------- reachability

    private NodeName? RelayPath(NodeName destination)
    {
        NodeName self = Self.Name;
        return SafeNextHop(destination) is { } hop && hop != destination && hop != self && _connections.IsUp(hop) ? hop : null;
    }

    private readonly HashSet<NodeName> _candidates = new();

    private void UpdateAllReachability(HashSet<NodeName> members, string reason)
    {
        NodeName self = Self.Name;
        Dictionary<NodeName, NodeName>? hops = null;
        HashSet<NodeName> candidates = _candidates;
        candidates.Clear();
        candidates.UnionWith(members);
        candidates.UnionWith(_reachable);
        foreach (NodeName name in candidates)
        {
            if (name == self)
            {
                continue;
            }

            bool up = _connections.IsUp(name);
            if (!up && _partial && members.Contains(name) && RelayPath(name) is { } hop)
            {
                (hops ??= new Dictionary<NodeName, NodeName>())[name] = hop;
                up = true;
            }

            _verdicts.Add((name, up));
        }

        // The routes first, then the node-up events: a subscriber woken by "up" (ReachAsync) that sends at once must find
        // the next hop, or its first message waited in the queue of a connection that never opens while the next ones
        // went by relay (a relayed stream's first message arrived second, or never, in full-suite runs).
        FrozenDictionary<NodeName, NodeName> current = _nextHops;
        if (hops is null ? current.Count > 0 : !SameHops(current, hops))
        {
            _nextHops = hops is null ? FrozenDictionary<NodeName, NodeName>.Empty : hops.ToFrozenDictionary();
        }

        foreach ((NodeName name, bool up) in _verdicts)
        {
            SetReachable(name, up, reason);
        }

        _verdicts.Clear();
        PublishReachability(relayChanged: false);
        _router.RetryHeld(); // frames that waited for a route to a member take the one this reconcile made
    }

    private readonly List<(NodeName Name, bool Up)> _verdicts = new();

    private static bool SameHops(FrozenDictionary<NodeName, NodeName> current, Dictionary<NodeName, NodeName> next)
    {
        if (current.Count != next.Count)
        {
            return false;
        }

        foreach (KeyValuePair<NodeName, NodeName> pair in next)
        {
            if (!current.TryGetValue(pair.Key, out NodeName hop) || hop != pair.Value)
            {
                return false;
            }
        }

        return true;
    }

    private NodeName? SafeNextHop(NodeName destination)
    {
        try
        {
            return _overlay.NextHop(destination);
        }
        catch (Exception ex)
        {
            Log.OverlayFailed(_logger, "next hop", ex);
            return null;
        }
    }

    private void SetReachable(NodeName node, bool reachable, string reason)
    {
        if (reachable && _reachable.Add(node))
        {
            _events.NodeUp(node);
        }
        else if (!reachable && _reachable.Remove(node))
        {
            _events.NodeDown(node, reason);
        }
    }

    private void PublishReachability(bool relayChanged)
    {
        if (relayChanged || _reachableSnapshot.Count != _reachable.Count || !_reachableSnapshot.SetEquals(_reachable))
        {
            _reachableSnapshot = new HashSet<NodeName>(_reachable);
        }
    }
}
