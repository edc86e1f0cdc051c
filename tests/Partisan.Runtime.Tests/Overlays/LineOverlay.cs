using Partisan.Overlays;

namespace Partisan.Tests.Overlays;

/// <summary>
/// A line for relay tests: members are gossiped (a <see cref="NodeSpec"/> array) to neighbours only, a node connects to
/// the members just before and after it in name order, and a message for any other member goes one step along the line
/// toward it. With three nodes, the two ends reach each other only through the middle one.
/// </summary>
internal sealed class LineOverlay : IOverlay
{
    private readonly SortedDictionary<NodeName, NodeSpec> _known = new();
    private IOverlayContext _context = null!;
    private NodeName[] _line = [];
    private NodeSpec[] _neighbours = [];

    public IReadOnlyCollection<NodeSpec> Members => _known.Values;

    public IReadOnlyCollection<NodeSpec> Neighbours => _neighbours;

    public void Start(IOverlayContext context)
    {
        _context = context;
        _known.Clear();
        _known[context.Self.Name] = context.Self;
        Recompute();
    }

    public void Join(NodeSpec peer)
    {
        Merge([peer]);
        _context.Send(peer, Snapshot());
    }

    public void Leave(NodeName node) => throw new NotSupportedException("The test line has no leave.");

    public void HandleMessage(NodeName from, object message)
    {
        var specs = (NodeSpec[])message;
        bool changed = Merge(specs);
        if (specs.Length < _known.Count)
        {
            _context.Send(_known[from], Snapshot());
        }

        if (changed)
        {
            foreach (NodeSpec neighbour in _neighbours)
            {
                _context.Send(neighbour, Snapshot());
            }
        }
    }

    public void OnTimer(string name)
    {
    }

    public void OnConnected(NodeSpec peer)
    {
    }

    public void OnDisconnected(NodeName peer, string reason)
    {
    }

    public OverlayAdmission Admit(NodeSpec initiator, string channel) => OverlayAdmission.Accept;

    public NodeName? NextHop(NodeName destination)
    {
        int from = Array.IndexOf(_line, _context.Self.Name);
        int to = Array.IndexOf(_line, destination);
        return from < 0 || to < 0 || from == to ? null : _line[to > from ? from + 1 : from - 1];
    }

    private NodeSpec[] Snapshot() => [.. _known.Values];

    private bool Merge(NodeSpec[] specs)
    {
        bool changed = false;
        foreach (NodeSpec spec in specs)
        {
            if (!_known.TryGetValue(spec.Name, out NodeSpec? known) || known.Incarnation < spec.Incarnation)
            {
                _known[spec.Name] = spec;
                changed = true;
            }
        }

        if (changed)
        {
            Recompute();
        }

        return changed;
    }

    private void Recompute()
    {
        _line = [.. _known.Keys];
        int self = Array.IndexOf(_line, _context.Self.Name);
        var neighbours = new List<NodeSpec>();
        if (self > 0)
        {
            neighbours.Add(_known[_line[self - 1]]);
        }

        if (self < _line.Length - 1)
        {
            neighbours.Add(_known[_line[self + 1]]);
        }

        _neighbours = [.. neighbours];
    }
}
