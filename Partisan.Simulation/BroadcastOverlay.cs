using Microsoft.Extensions.Logging;
using Partisan.Broadcast;
using Partisan.Overlays;

namespace Partisan.Simulation;

/// <summary>
/// Runs an overlay (<see cref="Inner"/>) and hosts a <see cref="BroadcastEngine"/> on its neighbours, so Plumtree runs in
/// the simulator over any overlay: after every call the inner overlay's <see cref="IOverlay.Neighbours"/> are handed to the
/// engine when they changed; the engine's messages and timers are told from the overlay's and handed to it. The engine's
/// messages travel as overlay messages (counted by type: <c>GossipMessage</c>, <c>IHaveMessage</c>, <c>PruneMessage</c>,
/// <c>GraftMessage</c>).
/// </summary>
public sealed class BroadcastOverlay : IOverlay
{
    private readonly BroadcastOptions _options;
    private readonly Action<BroadcastEngine> _configure;
    private readonly HashSet<NodeName> _seen = new();
    private readonly List<NodeName> _scratch = new();
    private BroadcastEngine? _engine;

    /// <summary>Hosts an engine with <paramref name="options"/> over <paramref name="inner"/>; <paramref name="configure"/> registers its handlers (at every start).</summary>
    public BroadcastOverlay(IOverlay inner, BroadcastOptions options, Action<BroadcastEngine> configure)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configure);
        Inner = inner;
        _options = options;
        _configure = configure;
    }

    /// <summary>The overlay whose neighbours the engine pushes to.</summary>
    public IOverlay Inner { get; }

    /// <summary>The engine of the current run.</summary>
    /// <exception cref="InvalidOperationException">The overlay has not started.</exception>
    public BroadcastEngine Engine => _engine ?? throw new InvalidOperationException("The overlay has not started.");

    /// <inheritdoc />
    public IReadOnlyCollection<NodeSpec> Members => Inner.Members;

    /// <inheritdoc />
    public IReadOnlyCollection<NodeSpec> Neighbours => Inner.Neighbours;

    /// <inheritdoc />
    public void Start(IOverlayContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Inner.Start(context);
        _engine = new BroadcastEngine(new Context(context), _options);
        _configure(_engine);
        _engine.Start();
        _seen.Clear();
        Sync();
    }

    /// <inheritdoc />
    public void Join(NodeSpec peer)
    {
        Inner.Join(peer);
        Sync();
    }

    /// <inheritdoc />
    public void Leave(NodeName node)
    {
        Inner.Leave(node);
        Sync();
    }

    /// <inheritdoc />
    public void HandleMessage(NodeName from, object message)
    {
        if (!Engine.TryHandleMessage(from, message))
        {
            Inner.HandleMessage(from, message);
        }

        Sync();
    }

    /// <inheritdoc />
    public void OnTimer(string name)
    {
        if (!Engine.TryHandleTimer(name))
        {
            Inner.OnTimer(name);
        }

        Sync();
    }

    /// <inheritdoc />
    public void OnConnected(NodeSpec peer)
    {
        Inner.OnConnected(peer);
        Sync();
    }

    /// <inheritdoc />
    public void OnDisconnected(NodeName peer, string reason)
    {
        Inner.OnDisconnected(peer, reason);
        Sync();
    }

    /// <inheritdoc />
    public OverlayAdmission Admit(NodeSpec initiator, string channel) => Inner.Admit(initiator, channel);

    /// <inheritdoc />
    public NodeName? NextHop(NodeName destination) => Inner.NextHop(destination);

    /// <inheritdoc />
    public void RouteWanted(NodeName destination)
    {
        Inner.RouteWanted(destination);
        Sync();
    }

    // Hands the neighbours to the engine when they differ from what it was last given (no allocation when they do not).
    private void Sync()
    {
        if (_engine is null)
        {
            return;
        }

        IReadOnlyCollection<NodeSpec> neighbours = Inner.Neighbours;
        bool same = neighbours.Count == _seen.Count;
        if (same)
        {
            foreach (NodeSpec spec in neighbours)
            {
                if (!_seen.Contains(spec.Name))
                {
                    same = false;
                    break;
                }
            }
        }

        if (same)
        {
            return;
        }

        _seen.Clear();
        _scratch.Clear();
        foreach (NodeSpec spec in neighbours)
        {
            _seen.Add(spec.Name);
            _scratch.Add(spec.Name);
        }

        _engine.SetNeighbours(_scratch);
    }

    private sealed class Context(IOverlayContext overlay) : IBroadcastContext
    {
        public NodeName Self => overlay.Self.Name;

        public TimeProvider Time => overlay.Time;

        public Random Random => overlay.Random;

        public ILogger Logger => overlay.Logger;

        public bool Send(NodeName to, object message) => overlay.Send(to, message);

        public void SetTimer(string name, TimeSpan due, TimeSpan? period = null) => overlay.SetTimer(name, due, period);

        public void CancelTimer(string name) => overlay.CancelTimer(name);
    }
}
