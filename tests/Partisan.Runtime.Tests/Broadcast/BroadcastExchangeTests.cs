using Partisan.Broadcast;
using static Partisan.Tests.Broadcast.EngineNetwork;

namespace Partisan.Tests.Broadcast;

/// <summary>Anti-entropy exchanges run by the engine: repair, the concurrency bound and its timeout, peer choice, refused floods.</summary>
public class BroadcastExchangeTests
{
    private static readonly TimeSpan Interval = new BroadcastOptions().ExchangeInterval;

    [Fact]
    public void A_node_that_missed_every_broadcast_catches_up_within_two_exchange_intervals_once_healed()
    {
        var net = new EngineNetwork();
        ExchangeSetHandler a = net.AddExchanging("a"), b = net.AddExchanging("b"), c = net.AddExchanging("c");
        net.Link("a-b", "b-c", "a-c");
        net.Rule = (_, to, m) => to == N("c") && m is not ExchangeMessage ? null : TimeSpan.Zero; // c hears no broadcast traffic
        for (int i = 0; i < 5; i++)
        {
            a.Publish(net["a"], "m" + i);
        }

        net.RunFor(TimeSpan.FromSeconds(9)); // grafts abandoned, before the first exchange tick
        Assert.Empty(c.Items);

        net.RunFor(2 * Interval);
        Assert.Equal(5, c.Items.Count);
        Assert.True(net["a"].Counters.ExchangesCompleted + net["b"].Counters.ExchangesCompleted + net["c"].Counters.ExchangesCompleted > 0);
    }

    [Fact]
    public void Running_exchanges_are_bounded_and_one_whose_peer_never_answers_times_out()
    {
        var options = new BroadcastOptions { MaxConcurrentExchanges = 1, ExchangeTimeout = TimeSpan.FromSeconds(25) };
        var net = new EngineNetwork(options);
        net.AddExchanging("a").Items.Add("x");
        net.AddExchanging("b");
        net.Link("a-b");
        net.Rule = (from, _, m) => from == N("b") && m is ExchangeMessage ? null : TimeSpan.Zero; // b's answers are lost

        net.RunFor(Interval + TimeSpan.FromSeconds(1));
        Assert.Equal(1, net["a"].RunningExchanges);
        net.RunFor(Interval);
        Assert.Equal(1, net["a"].RunningExchanges);
        Assert.Equal(1, net["a"].Counters.ExchangesStarted); // the second tick found the limit reached

        net.RunFor(2 * Interval); // 25 s after it started, the third tick expires it and starts another
        Assert.Equal(1, net["a"].Counters.ExchangesTimedOut);
        Assert.Equal(2, net["a"].Counters.ExchangesStarted);
    }

    [Fact]
    public void The_exchange_peer_is_taken_outside_this_nodes_tree_when_there_is_one()
    {
        var net = new EngineNetwork();
        net.AddExchanging("a").Items.Add("x");
        net.AddExchanging("b");
        net.AddExchanging("c");
        net.Link("a-b", "a-c");
        net["a"].TryHandleMessage(N("c"), new PruneMessage("set", N("a"))); // c is lazy in a's own tree

        for (int i = 0; i < 10; i++)
        {
            Assert.True(net["a"].StartExchange());
            net.RunFor(TimeSpan.FromMilliseconds(10));
        }

        Assert.All(net.Sent.Where(s => s.From == N("a") && s.Message is ExchangeMessage), s => Assert.Equal(N("c"), s.To));
        Assert.Equal(10, net["a"].Counters.ExchangesCompleted);
    }

    [Fact]
    public void An_exchange_flood_from_one_peer_is_refused_beyond_the_bound_per_interval()
    {
        var net = new EngineNetwork(new BroadcastOptions { MaxInboundExchangeMessages = 5 });
        net.AddExchanging("a");
        net.AddExchanging("b");
        net.Link("a-b");

        for (int i = 0; i < 20; i++)
        {
            net["a"].TryHandleMessage(N("b"), new ExchangeMessage("set", i, FromInitiator: true, new[] { "y" + i }));
        }

        Assert.Equal(15, net["a"].Counters.ExchangesRefused);
        Assert.Equal(5, net.Count<ExchangeMessage>(s => s.From == N("a")));
    }
}
