using Microsoft.Extensions.Logging;

namespace Partisan.Broadcast;

/// <summary>
/// Plumtree (Epidemic Broadcast Trees: Leitão, Pereira, Rodrigues, SRDS 2007) as Partisan's
/// <c>partisan_plumtree_broadcast</c> runs it: a payload is pushed eagerly along a spanning tree per root and announced
/// lazily (<c>i_have</c>, batched every <see cref="BroadcastOptions.LazyTickPeriod"/>) to the other neighbours; a
/// duplicate prunes the link it came by (it turns lazy for that root); a message announced but not received within
/// <see cref="BroadcastOptions.GraftTimeout"/> is grafted from an announcer, and that link turns eager. Every neighbour
/// starts eager.
/// </summary>
/// <remarks>
/// A pure state machine: it is driven by <see cref="SetNeighbours"/>, <see cref="TryHandleMessage"/>,
/// <see cref="TryHandleTimer"/> and <see cref="Broadcast"/>, called from one thread (the host's loop), and acts only
/// through its <see cref="IBroadcastContext"/>. So the same engine runs on a node's broadcast channel, inside an overlay
/// in the simulator, and in a test with no network. What it keeps grows with the neighbours and is bounded by
/// <see cref="BroadcastOptions"/>; payloads are the handlers' to keep.
/// </remarks>
public sealed partial class BroadcastEngine
{
    private readonly IBroadcastContext _context;
    private readonly BroadcastOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<string, IBroadcastHandler> _handlers = new(StringComparer.Ordinal);
    private readonly HashSet<NodeName> _neighbourSet = new();
    private readonly string _lazyTimer;
    private readonly string _graftTimer;
    private readonly string _exchangeTimer;
    private NodeName[] _neighbours = [];
    private long _started;
    private bool _running;

    /// <summary>Creates an engine that acts through <paramref name="context"/>; register handlers, then <see cref="Start"/> it.</summary>
    /// <exception cref="ArgumentException">The options are invalid (every problem is listed).</exception>
    public BroadcastEngine(IBroadcastContext context, BroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _context = context;
        _options = options;
        _logger = context.Logger;
        _lazyTimer = options.TimerPrefix + ".lazy";
        _graftTimer = options.TimerPrefix + ".graft";
        _exchangeTimer = options.TimerPrefix + ".exchange";
    }

    /// <summary>What the engine counted since it was created.</summary>
    public BroadcastCounters Counters { get; } = new();

    /// <summary>The neighbours the engine pushes to (as last set by <see cref="SetNeighbours"/>).</summary>
    public IReadOnlyCollection<NodeName> Neighbours => _neighbours;

    /// <summary>Adds a handler; messages for it are sent and received by its <see cref="IBroadcastHandler.Name"/>.</summary>
    /// <exception cref="InvalidOperationException">A handler with that name is registered already.</exception>
    public void Register(IBroadcastHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentException.ThrowIfNullOrWhiteSpace(handler.Name, nameof(handler));
        if (!_handlers.TryAdd(handler.Name, handler))
        {
            throw new InvalidOperationException($"A broadcast handler named {handler.Name} is registered already.");
        }

        if (handler is IBroadcastExchange)
        {
            _exchangers.Add(handler);
        }
    }

    /// <summary>Starts the lazy tick. Call once, before the other events.</summary>
    public void Start()
    {
        if (_running)
        {
            return;
        }

        _running = true;
        _started = _context.Time.GetTimestamp();
        _context.SetTimer(_lazyTimer, _options.LazyTickPeriod, _options.LazyTickPeriod);
        _context.SetTimer(_exchangeTimer, _options.ExchangeInterval, _options.ExchangeInterval);
    }

    /// <summary>
    /// The overlay's neighbours changed to <paramref name="neighbours"/> (this node is ignored if listed). A new neighbour
    /// is eager in every tree; a removed one leaves every tree and its queued announcements are dropped.
    /// </summary>
    public void SetNeighbours(IReadOnlyCollection<NodeName> neighbours)
    {
        ArgumentNullException.ThrowIfNull(neighbours);
        var next = new HashSet<NodeName>(neighbours);
        next.Remove(_context.Self);
        foreach (NodeName old in _neighbours)
        {
            if (!next.Contains(old))
            {
                ForgetNeighbour(old);
            }
        }

        _neighbourSet.Clear();
        _neighbourSet.UnionWith(next);
        var array = new NodeName[next.Count];
        next.CopyTo(array);
        Array.Sort(array); // a stable push order, so a run repeats
        _neighbours = array;
    }

    /// <summary>
    /// Broadcasts <paramref name="message"/> with <paramref name="handler"/> (registered in this engine), rooted at this
    /// node: eager push to every neighbour eager in this node's tree, an announcement queued for the others. The engine does
    /// not merge it here: the application applied it already. False when the handler failed to make the message's data.
    /// </summary>
    /// <exception cref="InvalidOperationException">The handler is not the one registered under its name.</exception>
    public bool Broadcast(object message, IBroadcastHandler handler)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(handler);
        if (!_handlers.TryGetValue(handler.Name, out IBroadcastHandler? registered) || !ReferenceEquals(registered, handler))
        {
            throw new InvalidOperationException($"The broadcast handler {handler.Name} is not registered in this engine.");
        }

        if (!TryBroadcastData(handler, message, out BroadcastData data))
        {
            return false;
        }

        Counters.Broadcasts++;
        Push(handler.Name, data.Id, data.Payload, 0, _context.Self, except: null);
        return true;
    }

    /// <summary>
    /// Handles <paramref name="message"/> from <paramref name="from"/> if it is one of the engine's; false (and nothing done)
    /// for any other message, which the host handles itself.
    /// </summary>
    public bool TryHandleMessage(NodeName from, object message)
    {
        switch (message)
        {
            case GossipMessage gossip:
                OnGossip(from, gossip);
                return true;
            case IHaveMessage ihave:
                OnIHave(from, ihave);
                return true;
            case PruneMessage prune:
                OnPrune(from, prune);
                return true;
            case GraftMessage graft:
                OnGraft(from, graft);
                return true;
            case ExchangeMessage exchange:
                OnExchange(from, exchange);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Handles the timer <paramref name="name"/> if it is one of the engine's; false for any other.</summary>
    public bool TryHandleTimer(string name)
    {
        if (string.Equals(name, _lazyTimer, StringComparison.Ordinal))
        {
            FlushAnnouncements();
            return true;
        }

        if (string.Equals(name, _graftTimer, StringComparison.Ordinal))
        {
            OnGraftTimer();
            return true;
        }

        if (string.Equals(name, _exchangeTimer, StringComparison.Ordinal))
        {
            OnExchangeTick();
            return true;
        }

        return false;
    }

    private TimeSpan Now => _context.Time.GetElapsedTime(_started);

    private bool IsNeighbour(NodeName node) => _neighbourSet.Contains(node);

    private void ForgetNeighbour(NodeName node)
    {
        foreach (BroadcastTree tree in _trees.Values)
        {
            tree.Lazy.Remove(node);
        }

        if (_pending.Remove(node, out List<IHaveEntry>? queued))
        {
            queued.Clear();
        }
    }

    private void Send(NodeName to, object message)
    {
        if (!_context.Send(to, message))
        {
            Counters.SendsFailed++;
        }
    }

    private void Drop(NodeName from, string kind, string reason)
    {
        Counters.Dropped++;
        BroadcastLog.Dropped(_logger, from, kind, reason);
    }
}
