using Partisan.Overlays;

namespace Partisan.Simulation.Tests;

/// <summary>A message of the probe overlay.</summary>
public sealed record Ping(int Seq);

/// <summary>A message type no formatter knows (for the serializer round trip).</summary>
public sealed record Unregistered(int Value);

/// <summary>
/// A test overlay the test drives: its neighbours are whatever the test sets, it records every callback with the time,
/// refuses whom it is told to, routes by a table, and flags any connection event that arrives inside another call.
/// </summary>
public sealed class ProbeOverlay : IOverlay
{
    private readonly List<NodeSpec> _neighbours = new();
    private int _inCall;

    public IOverlayContext Context { get; private set; } = null!;

    public List<string> Log { get; } = new();

    public List<(TimeSpan At, NodeName From, object Message)> Received { get; } = new();

    public HashSet<NodeName> Refuse { get; } = new();

    public Dictionary<NodeName, NodeName> Routes { get; } = new();

    public int EventsInsideCalls { get; private set; }

    public int Connects { get; private set; }

    public int Disconnects { get; private set; }

    public int Timers { get; private set; }

    /// <summary>Called on every message (after recording); may throw or act through the context.</summary>
    public Action<ProbeOverlay, NodeName, object>? OnMessage { get; set; }

    public Action<ProbeOverlay, string>? OnTimerCall { get; set; }

    public IReadOnlyCollection<NodeSpec> Members => _neighbours;

    public IReadOnlyCollection<NodeSpec> Neighbours => _neighbours;

    public void SetNeighbours(params NodeSpec[] specs)
    {
        _neighbours.Clear();
        _neighbours.AddRange(specs);
    }

    public void Start(IOverlayContext context)
    {
        Context = context;
        Log.Add("start " + context.Self.Incarnation);
    }

    public void Join(NodeSpec peer)
    {
        if (!_neighbours.Exists(n => n.Name == peer.Name))
        {
            _neighbours.Add(peer);
        }
    }

    public void Leave(NodeName node) => _neighbours.RemoveAll(n => n.Name == node);

    public void HandleMessage(NodeName from, object message)
    {
        _inCall++;
        try
        {
            Received.Add((Context.Time.GetUtcNow() - new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), from, message));
            OnMessage?.Invoke(this, from, message);
        }
        finally
        {
            _inCall--;
        }
    }

    public void OnTimer(string name)
    {
        _inCall++;
        try
        {
            Timers++;
            Log.Add("timer " + name + " at " + Context.Time.GetTimestamp());
            OnTimerCall?.Invoke(this, name);
        }
        finally
        {
            _inCall--;
        }
    }

    public void OnConnected(NodeSpec peer)
    {
        EventsInsideCalls += _inCall;
        Connects++;
        Log.Add("up " + peer.Name + " " + peer.Incarnation);
    }

    public void OnDisconnected(NodeName peer, string reason)
    {
        EventsInsideCalls += _inCall;
        Disconnects++;
        Log.Add("down " + peer + " " + reason);
    }

    public OverlayAdmission Admit(NodeSpec initiator, string channel) =>
        Refuse.Contains(initiator.Name) ? OverlayAdmission.Refuse("refused by the test") : OverlayAdmission.Accept;

    public NodeName? NextHop(NodeName destination) => Routes.TryGetValue(destination, out NodeName hop) ? hop : null;
}
