using Partisan.Overlays;

namespace Partisan.Simulation.Tests;

/// <summary>Messages of <see cref="RandomViewOverlay"/>.</summary>
public sealed record ViewHello(NodeSpec Sender);

/// <summary>A sample of known nodes, exchanged every round.</summary>
public sealed record ViewShuffle(NodeSpec Sender, NodeSpec[] Sample, bool Reply);

/// <summary>
/// A small partial-view overlay for scale tests (HyParView's shape without its protocol): up to <c>active</c> neighbours
/// kept connected, a bounded passive list of other known nodes refreshed by shuffles, and a neighbour that stays
/// unconnected (a failed dial tells the overlay nothing) or goes down is replaced from the passive list.
/// </summary>
public sealed class RandomViewOverlay(int active = 5, int passive = 30) : IOverlay
{
    private readonly List<NodeSpec> _active = new();
    private readonly List<NodeSpec> _passive = new();
    private readonly Dictionary<NodeName, int> _unconnectedRounds = new();
    private IOverlayContext _context = null!;
    private NodeSpec[] _members = [];

    public IReadOnlyCollection<NodeSpec> Members => _members;

    public IReadOnlyCollection<NodeSpec> Neighbours => _active;

    public void Start(IOverlayContext context)
    {
        _context = context;
        _active.Clear();
        _passive.Clear();
        _unconnectedRounds.Clear();
        Refresh();
        context.SetTimer("round", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public void Join(NodeSpec peer)
    {
        AddActive(peer);
        _context.Send(peer, new ViewHello(_context.Self));
        Refresh();
    }

    public void Leave(NodeName node)
    {
        _active.RemoveAll(s => s.Name == node);
        _passive.RemoveAll(s => s.Name == node);
        Refresh();
    }

    public void HandleMessage(NodeName from, object message)
    {
        switch (message)
        {
            case ViewHello hello:
                AddActive(hello.Sender);
                _context.Send(hello.Sender, new ViewShuffle(_context.Self, Sample(), Reply: true));
                break;
            case ViewShuffle shuffle:
                AddPassive(shuffle.Sender);
                foreach (NodeSpec spec in shuffle.Sample)
                {
                    AddPassive(spec);
                }

                if (!shuffle.Reply)
                {
                    _context.Send(shuffle.Sender, new ViewShuffle(_context.Self, Sample(), Reply: true));
                }

                break;
        }

        Refresh();
    }

    public void OnTimer(string name)
    {
        // Replace neighbours that never connected (their dials fail silently) or stay down.
        for (int i = _active.Count - 1; i >= 0; i--)
        {
            NodeName n = _active[i].Name;
            if (_context.IsConnected(n))
            {
                _unconnectedRounds.Remove(n);
            }
            else if ((_unconnectedRounds[n] = _unconnectedRounds.GetValueOrDefault(n) + 1) >= 3)
            {
                _unconnectedRounds.Remove(n);
                _active.RemoveAt(i);
            }
        }

        while (_active.Count < active && _passive.Count > 0)
        {
            int pick = _context.Random.Next(_passive.Count);
            NodeSpec spec = _passive[pick];
            _passive.RemoveAt(pick);
            AddActive(spec);
        }

        if (_active.Count > 0)
        {
            NodeSpec to = _active[_context.Random.Next(_active.Count)];
            _context.Send(to, new ViewShuffle(_context.Self, Sample(), Reply: false));
        }

        Refresh();
    }

    public void OnConnected(NodeSpec peer)
    {
        // Symmetric views: whoever connected to this node is a neighbour while there is room.
        if (_active.Count < active + 2)
        {
            AddActive(peer);
            Refresh();
        }
    }

    public void OnDisconnected(NodeName peer, string reason)
    {
        _active.RemoveAll(s => s.Name == peer);
        _passive.RemoveAll(s => s.Name == peer);
        _unconnectedRounds.Remove(peer);
        Refresh();
    }

    public OverlayAdmission Admit(NodeSpec initiator, string channel) => OverlayAdmission.Accept;

    public NodeName? NextHop(NodeName destination) => null;

    private void AddActive(NodeSpec spec)
    {
        if (spec.Name == _context.Self.Name)
        {
            return;
        }

        int known = _active.FindIndex(s => s.Name == spec.Name);
        if (known >= 0)
        {
            if (spec.Incarnation > _active[known].Incarnation)
            {
                _active[known] = spec;
            }

            return;
        }

        _passive.RemoveAll(s => s.Name == spec.Name);
        _active.Add(spec);
        if (_active.Count > active + 2)
        {
            // Full: the oldest neighbour moves to the passive list.
            NodeSpec moved = _active[0];
            _active.RemoveAt(0);
            AddPassive(moved);
        }
    }

    private void AddPassive(NodeSpec spec)
    {
        if (spec.Name == _context.Self.Name || _active.Exists(s => s.Name == spec.Name) || _passive.Exists(s => s.Name == spec.Name))
        {
            return;
        }

        _passive.Add(spec);
        if (_passive.Count > passive)
        {
            _passive.RemoveAt(_context.Random.Next(_passive.Count));
        }
    }

    private NodeSpec[] Sample()
    {
        int count = Math.Min(6, _passive.Count + _active.Count);
        var sample = new NodeSpec[count];
        for (int i = 0; i < count; i++)
        {
            int pick = _context.Random.Next(_passive.Count + _active.Count);
            sample[i] = pick < _active.Count ? _active[pick] : _passive[pick - _active.Count];
        }

        return sample;
    }

    private void Refresh()
    {
        var members = new List<NodeSpec>(_active.Count + _passive.Count + 1) { _context.Self };
        members.AddRange(_active);
        members.AddRange(_passive);
        _members = members.ToArray();
    }
}
