using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Partisan.Broadcast;
using Partisan.Tests.Hosting;
using Partisan.Tests.Support;

namespace Partisan.Tests.Broadcast;

/// <summary>
/// The host that runs an engine on a node, with no network: what it sends is recorded, its timers run on a manual clock,
/// and a test orders itself after the host's work by running something on its loop (<see cref="BroadcastHost.InvokeAsync{T}"/>).
/// Bad input from peers is dropped or refused with a log event, and the node goes on.
/// </summary>
public sealed class BroadcastHostTests : IAsyncDisposable
{
    private static readonly NodeName Self = NodeName.Parse("self@127.0.0.1");
    private static readonly NodeName Peer = NodeName.Parse("peer@127.0.0.1");
    private static readonly NodeName Other = NodeName.Parse("other@127.0.0.1");
    private static readonly NodeName Stranger = NodeName.Parse("stranger@127.0.0.1");

    private readonly ManualTimeProvider _time = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ConcurrentQueue<(NodeName To, object Message)> _sent = new();
    private readonly BroadcastHost _host;
    private readonly ExchangeSetHandler _handler = new();

    public BroadcastHostTests()
    {
        var options = new BroadcastOptions { Enabled = true, MaxQueuedMessages = 4, MaxInboundExchangeMessages = 3 };
        ILogger logger = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug)).CreateLogger("Partisan");
        _host = new BroadcastHost(Self, options, _time, new Random(1), logger, (to, message) =>
        {
            _sent.Enqueue((to, message));
            return true;
        });
        _host.Register(_handler, typeof(string));
        _host.TopologyChanged([Peer, Other], [Self, Peer, Other]);
    }

    public async ValueTask DisposeAsync() => await _host.StopAsync();

    private Task<BroadcastCounters> Settled() => _host.CountersAsync();

    [Fact]
    public async Task A_payload_from_a_node_that_is_not_a_member_is_dropped_with_a_log_event_and_not_merged()
    {
        _host.Start();
        _host.MessageArrived(Stranger, new GossipMessage("set", "x", "x", 0, Stranger));

        BroadcastCounters counters = await Settled();
        Assert.Equal(1, counters.FromNonMembers);
        Assert.Empty(_handler.Items);
        Assert.Contains(_logs.WithEvent(6005), e => e.Message.Contains("stranger@127.0.0.1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_payload_that_claims_this_node_as_its_root_is_dropped_as_forged()
    {
        _host.Start();
        _host.MessageArrived(Peer, new GossipMessage("set", "x", "x", 0, Self));

        BroadcastCounters counters = await Settled();
        Assert.Equal(1, counters.Dropped);
        Assert.Empty(_handler.Items);
        Assert.Contains(_logs.WithEvent(6002), e => e.Message.Contains("forged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_graft_for_an_id_this_node_never_had_sends_nothing_and_is_logged()
    {
        _host.Start();
        _host.MessageArrived(Peer, new GraftMessage("set", "never-seen", 0, Peer));

        await Settled();
        Assert.DoesNotContain(_sent, s => s.Message is GossipMessage);
        Assert.Contains(_logs.WithEvent(6003), e => e.Message.Contains("unknown id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Messages_beyond_MaxQueuedMessages_waiting_for_the_engine_are_refused_with_one_log_event()
    {
        // Not started: nothing drains, so the fifth message onwards finds four waiting.
        for (int i = 0; i < 10; i++)
        {
            _host.MessageArrived(Peer, new GossipMessage("set", "m" + i, "m" + i, 0, Peer));
        }

        _host.Start();
        BroadcastCounters counters = await Settled();
        Assert.Equal(6, counters.QueueOverflows);
        Assert.Equal(4, _handler.Items.Count);
        Assert.Single(_logs.WithEvent(6006));

        // Room again once the loop drained them.
        _host.MessageArrived(Peer, new GossipMessage("set", "later", "later", 0, Peer));
        await Settled();
        Assert.Contains("later", _handler.Items);
    }

    [Fact]
    public async Task An_exchange_flood_from_one_peer_is_refused_beyond_its_bound_per_interval()
    {
        _host.Start();
        for (int i = 0; i < 3; i++)
        {
            _host.MessageArrived(Peer, new ExchangeMessage("set", i, FromInitiator: true, new[] { "e" + i }));
            await Settled(); // within MaxQueuedMessages
        }

        _host.MessageArrived(Peer, new ExchangeMessage("set", 99, FromInitiator: true, new[] { "flood" }));
        BroadcastCounters counters = await Settled();
        Assert.Equal(1, counters.ExchangesRefused);
        Assert.DoesNotContain("flood", _handler.Items);
        Assert.Contains("e2", _handler.Items);
        Assert.Contains(_logs.WithEvent(6002), e => e.Message.Contains("MaxInboundExchangeMessages", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_broadcast_is_pushed_to_every_neighbour_and_announced_lazily_on_the_nodes_clock_once_a_link_is_pruned()
    {
        _host.Start();
        await Settled();
        _host.MessageArrived(Other, new PruneMessage("set", Self)); // other is lazy in this node's tree now
        _handler.Items.Add("hello");
        Assert.True(_host.Broadcast<string>("hello"));
        await Settled();

        Assert.Contains(_sent, s => s.To == Peer && s.Message is GossipMessage { Id: "hello" });
        Assert.DoesNotContain(_sent, s => s.To == Other);
        Assert.Equal(1, await _host.InvokeAsync(e => e.PendingAnnouncements));

        _time.Advance(new BroadcastOptions().LazyTickPeriod);
        await Eventually.True(() => _sent.Any(s => s.To == Other && s.Message is IHaveMessage), "the lazy tick announced the message to the lazy peer");
    }

    [Fact]
    public async Task Registering_a_second_handler_of_the_same_name_or_type_fails_at_once_and_an_unregistered_handler_cannot_broadcast()
    {
        Assert.Throws<InvalidOperationException>(() => _host.Register(new ExchangeSetHandler(), null));
        Assert.Throws<InvalidOperationException>(() => _host.Register(new SetHandler("other"), typeof(string)));
        Assert.Throws<InvalidOperationException>(() => _host.Broadcast("x", new SetHandler()));
        Assert.Throws<InvalidOperationException>(() => _host.Broadcast(42));

        // The failed typed registration did not keep its name.
        _host.Register(new SetHandler("other"), null);
        _host.Start();
        await Settled();
    }
}
