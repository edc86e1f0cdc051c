using Partisan.Overlays;

namespace Partisan.Overlays.Tests;

/// <summary>
/// A ring, written as a user would write an overlay: every node knows every member (gossiped as a
/// <see cref="NodeSpec"/> array), but connects only to its two neighbours on the ring ordered by name; a message
/// for any other member is relayed around the ring the shorter way. Used to prove the overlay seam with the
/// public API alone.
/// </summary>
internal sealed class RingOverlay : IOverlay
{
    private readonly SortedDictionary<NodeName, NodeSpec> _known = new();
    private IOverlayContext _context = null!;
    private NodeSpec[] _neighbours = [];
    private NodeName[] _ring = [];

    public IReadOnlyCollection<NodeSpec> Members => _known.Values;

    public IReadOnlyCollection<NodeSpec> Neighbours => _neighbours;

    public void Start(IOverlayContext context)
    {
        _context = context;
        _known.Clear();
        _known[context.Self.Name] = context.Self;
        Recompute();
        context.SetTimer("prune", TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200));
    }

    public void Join(NodeSpec peer)
    {
        Merge([peer]);
        _context.Send(peer, Snapshot());
    }

    public void Leave(NodeName node) => throw new NotSupportedException("The test ring has no leave.");

    public void HandleMessage(NodeName from, object message)
    {
        var specs = (NodeSpec[])message;
        bool changed = Merge(specs);
        if (changed || specs.Length < _known.Count)
        {
            // Tell the sender what it lacks (dialing it if need be), and pass news on around the ring.
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
        // Close links that are not ring edges (a join's first link, a reply's on-demand dial).
        foreach (NodeSpec member in _known.Values)
        {
            if (member.Name != _context.Self.Name && !IsNeighbour(member.Name) && _context.IsConnected(member.Name))
            {
                _context.Disconnect(member.Name);
            }
        }
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
        int from = Array.IndexOf(_ring, _context.Self.Name);
        int to = Array.IndexOf(_ring, destination);
        if (from < 0 || to < 0 || _ring.Length < 2)
        {
            return null;
        }

        int clockwise = (to - from + _ring.Length) % _ring.Length;
        int step = clockwise <= _ring.Length / 2 ? 1 : _ring.Length - 1;
        return _ring[(from + step) % _ring.Length];
    }

    private bool IsNeighbour(NodeName name) => Array.Exists(_neighbours, n => n.Name == name);

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
        _ring = [.. _known.Keys];
        int self = Array.IndexOf(_ring, _context.Self.Name);
        var neighbours = new List<NodeSpec>();
        if (_ring.Length > 1)
        {
            neighbours.Add(_known[_ring[(self + 1) % _ring.Length]]);
            NodeName previous = _ring[(self - 1 + _ring.Length) % _ring.Length];
            if (previous != neighbours[0].Name)
            {
                neighbours.Add(_known[previous]);
            }
        }

        _neighbours = [.. neighbours];
    }
}
