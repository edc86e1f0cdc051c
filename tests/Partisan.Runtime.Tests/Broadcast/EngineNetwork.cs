using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Partisan.Broadcast;

namespace Partisan.Tests.Broadcast;

/// <summary>
/// Broadcast engines wired to each other with no sockets and no threads: one virtual clock, one event queue ordered by
/// (time, sequence), a fixed 1 ms latency, FIFO per pair, and a rule that can drop or delay any message. A run is a
/// function of what the test does.
/// </summary>
internal sealed class EngineNetwork
{
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(1);
    private readonly PriorityQueue<Action, (long Time, long Seq)> _events = new();
    private readonly Dictionary<NodeName, Node> _nodes = new();
    private long _seq;

    public EngineNetwork(BroadcastOptions? options = null) => Options = options ?? new BroadcastOptions();

    public BroadcastOptions Options { get; }

    public VirtualClock Clock { get; } = new();

    /// <summary>Decides each message's fate: null drops it, a value delays it by that much beyond the latency.</summary>
    public Func<NodeName, NodeName, object, TimeSpan?> Rule { get; set; } = static (_, _, _) => TimeSpan.Zero;

    /// <summary>Every message sent, in order: (from, to, message).</summary>
    public List<(NodeName From, NodeName To, object Message)> Sent { get; } = new();

    public BroadcastEngine this[string name] => _nodes[N(name)].Engine;

    public static NodeName N(string name) => NodeName.Parse(name + "@test");

    /// <summary>Adds an engine named <paramref name="name"/> with a <see cref="SetHandler"/> (and any others) registered, started.</summary>
    public SetHandler Add(string name, params IBroadcastHandler[] more)
    {
        var node = new Node(this, N(name));
        node.Engine = new BroadcastEngine(node, Options);
        var handler = new SetHandler();
        node.Engine.Register(handler);
        foreach (IBroadcastHandler extra in more)
        {
            node.Engine.Register(extra);
        }

        _nodes.Add(node.Self, node);
        node.Engine.Start();
        return handler;
    }

    /// <summary>Adds an engine named <paramref name="name"/> with an <see cref="ExchangeSetHandler"/>, started.</summary>
    public ExchangeSetHandler AddExchanging(string name)
    {
        var node = new Node(this, N(name));
        node.Engine = new BroadcastEngine(node, Options);
        var handler = new ExchangeSetHandler();
        node.Engine.Register(handler);
        _nodes.Add(node.Self, node);
        node.Engine.Start();
        return handler;
    }

    /// <summary>Sets each node's neighbours from undirected links written "a-b".</summary>
    public void Link(params string[] links)
    {
        var neighbours = new Dictionary<NodeName, List<NodeName>>();
        foreach (NodeName n in _nodes.Keys)
        {
            neighbours[n] = new List<NodeName>();
        }

        foreach (string link in links)
        {
            string[] ends = link.Split('-');
            neighbours[N(ends[0])].Add(N(ends[1]));
            neighbours[N(ends[1])].Add(N(ends[0]));
        }

        foreach ((NodeName n, List<NodeName> list) in neighbours)
        {
            _nodes[n].Engine.SetNeighbours(list);
        }
    }

    public int Count<T>(Func<(NodeName From, NodeName To, object Message), bool>? where = null) =>
        Sent.Count(s => s.Message is T && (where is null || where(s)));

    /// <summary>Runs every event due within <paramref name="span"/> of virtual time, then sets the clock to its end.</summary>
    public void RunFor(TimeSpan span)
    {
        long end = Clock.Ticks + span.Ticks;
        while (_events.TryPeek(out _, out (long Time, long Seq) at) && at.Time <= end)
        {
            Action action = _events.Dequeue();
            Clock.Ticks = at.Time;
            action();
        }

        Clock.Ticks = end;
    }

    private void Schedule(long time, Action action) => _events.Enqueue(action, (time, ++_seq));

    private sealed class Node(EngineNetwork network, NodeName self) : IBroadcastContext
    {
        private readonly Dictionary<string, long> _arms = new(StringComparer.Ordinal);
        private readonly Dictionary<NodeName, long> _lastArrival = new();

        public BroadcastEngine Engine { get; set; } = null!;

        public NodeName Self { get; } = self;

        public TimeProvider Time => network.Clock;

        public Random Random { get; } = new(1);

        public ILogger Logger => NullLogger.Instance;

        public bool Send(NodeName to, object message)
        {
            network.Sent.Add((Self, to, message));
            TimeSpan? delay = network.Rule(Self, to, message);
            if (delay is null || !network._nodes.TryGetValue(to, out Node? target))
            {
                return true;
            }

            long at = Math.Max(network.Clock.Ticks + Latency.Ticks + delay.Value.Ticks, _lastArrival.GetValueOrDefault(to)); // FIFO per pair
            _lastArrival[to] = at;
            NodeName from = Self;
            network.Schedule(at, () => target.Engine.TryHandleMessage(from, message));
            return true;
        }

        public void SetTimer(string name, TimeSpan due, TimeSpan? period = null)
        {
            long arm = ++network._seq;
            _arms[name] = arm;
            Fire(name, arm, network.Clock.Ticks + due.Ticks, period);
        }

        public void CancelTimer(string name) => _arms.Remove(name);

        private void Fire(string name, long arm, long at, TimeSpan? period) =>
            network.Schedule(at, () =>
            {
                if (!_arms.TryGetValue(name, out long current) || current != arm)
                {
                    return;
                }

                if (period is { } every)
                {
                    Fire(name, arm, at + every.Ticks, period);
                }
                else
                {
                    _arms.Remove(name);
                }

                Assert.True(Engine.TryHandleTimer(name));
            });
    }
}

/// <summary>A clock set by hand (timestamps in <see cref="TimeSpan"/> ticks).</summary>
internal sealed class VirtualClock : TimeProvider
{
    public long Ticks { get; set; }

    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(Ticks);

    public override long GetTimestamp() => Ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
}
