using System.Collections.Concurrent;
using Partisan.Overlays;

namespace Partisan.Tests.Overlays;

/// <summary>
/// What a test decides for every <see cref="ScriptedOverlay"/> of a cluster: who the members are, which links each node
/// keeps and which next hops it uses. The overlays read it on every tick (every 20 ms), so a change takes effect at the
/// next one.
/// </summary>
internal sealed class OverlayScript
{
    /// <summary>The members every node knows.</summary>
    public volatile NodeSpec[] Members = [];

    /// <summary>Per node: the members it keeps a connection to.</summary>
    public ConcurrentDictionary<NodeName, ConcurrentDictionary<NodeName, bool>> Links { get; } = new();

    /// <summary>Per node: the next hop toward a member it reaches by relay.</summary>
    public ConcurrentDictionary<NodeName, ConcurrentDictionary<NodeName, NodeName>> Hops { get; } = new();

    /// <summary>How often each (node, destination) asked its overlay for a route (<see cref="IOverlay.RouteWanted"/>).</summary>
    public ConcurrentDictionary<(NodeName Node, NodeName Destination), int> RouteRequests { get; } = new();

    /// <summary>Links <paramref name="a"/> and <paramref name="b"/> both ways.</summary>
    public void Link(NodeName a, NodeName b)
    {
        Links.GetOrAdd(a, _ => new())[b] = true;
        Links.GetOrAdd(b, _ => new())[a] = true;
    }

    /// <summary><paramref name="node"/> reaches <paramref name="destination"/> through <paramref name="hop"/>.</summary>
    public void Route(NodeName node, NodeName destination, NodeName hop) => Hops.GetOrAdd(node, _ => new())[destination] = hop;
}

/// <summary>
/// An overlay whose members, links and next hops are set by a test (<see cref="OverlayScript"/>), to put a node into a
/// state an organic overlay passes through only briefly: a member known but neither linked nor routed to.
/// </summary>
internal sealed class ScriptedOverlay(OverlayScript script) : IOverlay
{
    private IOverlayContext _context = null!;
    private NodeSpec[] _members = [];
    private NodeSpec[] _neighbours = [];

    public IReadOnlyCollection<NodeSpec> Members => _members;

    public IReadOnlyCollection<NodeSpec> Neighbours => _neighbours;

    public void Start(IOverlayContext context)
    {
        _context = context;
        _members = [context.Self];
        context.SetTimer("script", TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20));
    }

    public void Join(NodeSpec peer)
    {
    }

    public void Leave(NodeName node) => throw new NotSupportedException("The scripted overlay has no leave.");

    public void HandleMessage(NodeName from, object message)
    {
    }

    public void OnTimer(string name)
    {
        NodeSpec[] members = script.Members;
        _members = members.Length == 0 ? [_context.Self] : members;
        var neighbours = new List<NodeSpec>();
        script.Links.TryGetValue(_context.Self.Name, out ConcurrentDictionary<NodeName, bool>? links);
        foreach (NodeSpec member in _members)
        {
            if (member.Name == _context.Self.Name)
            {
                continue;
            }

            if (links is not null && links.ContainsKey(member.Name))
            {
                neighbours.Add(member);
            }
            else if (_context.IsConnected(member.Name))
            {
                _context.Disconnect(member.Name);
            }
        }

        _neighbours = [.. neighbours];
    }

    public void OnConnected(NodeSpec peer)
    {
    }

    public void OnDisconnected(NodeName peer, string reason)
    {
    }

    public OverlayAdmission Admit(NodeSpec initiator, string channel) => OverlayAdmission.Accept;

    public void RouteWanted(NodeName destination) => script.RouteRequests.AddOrUpdate((_context.Self.Name, destination), 1, (_, n) => n + 1);

    public NodeName? NextHop(NodeName destination) =>
        script.Hops.TryGetValue(_context.Self.Name, out ConcurrentDictionary<NodeName, NodeName>? hops) && hops.TryGetValue(destination, out NodeName hop)
            ? hop
            : null;
}
