using Partisan.Channels;
using Partisan.Faults;
using Partisan.Routing;
using Partisan.Tests.Support;
using Partisan.Transport;

namespace Partisan.Tests.Delivery.Causal;

/// <summary>Causal delivery between nodes on the in-memory network: held back, released in order, composed with acknowledged delivery, and no cost when unused.</summary>
public class CausalDeliveryTests
{
    private const string Label = "orders";

    private static Task<PartisanNode[]> ClusterAsync(TestNodes nodes, int count, Action<PartisanOptions>? configure = null) =>
        nodes.StartClusterAsync(count, o =>
        {
            o.Faults.Enabled = true;
            o.Delivery.CausalLabels.Add(Label);
            o.Delivery.RetransmitInterval = TimeSpan.FromMilliseconds(100);
            configure?.Invoke(o);
        });

    private static ForwardOptions Causal(bool ack) => new() { CausalLabel = Label, Ack = ack };

    [Fact]
    public async Task A_message_sent_after_one_held_back_by_fault_injection_waits_for_it_and_both_arrive_in_order()
    {
        // Partisan's causal_test: m1 then m2; m2 is offered first and held until m1 arrives; delivery order is m1 then m2.
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode[] pair = await ClusterAsync(nodes, 2);
        (PartisanNode a, PartisanNode b) = (pair[0], pair[1]);
        var probe = Probe.Start(b);
        int holdBack = 1;
        b.Faults.AddInterposition((direction, _, message) =>
            direction == FaultDirection.Receive && message is "m1" && Volatile.Read(ref holdBack) == 1 ? InterpositionResult.Drop : InterpositionResult.Pass);

        Assert.True(a.ForwardMessage(b.Name, probe.Pid, "m1", Causal(ack: true)));
        Assert.True(a.ForwardMessage(b.Name, probe.Pid, "m2", Causal(ack: true)));
        await Eventually.True(() => b.HeldCausalMessages == 1, "m2 arrives and is held");
        Assert.False(probe.TryNext(out _)); // m2 is not delivered while m1 is missing

        Volatile.Write(ref holdBack, 0); // the next retransmission of m1 gets through
        Assert.Equal("m1", await probe.NextAsync());
        Assert.Equal("m2", await probe.NextAsync());
        Assert.Equal(0, b.HeldCausalMessages);
        await Eventually.True(() => a.UnackedMessages == 0, "both acknowledged");
        Assert.Equal(0, b.CausalGaps);
    }

    [Fact]
    public async Task A_dependency_that_travelled_through_a_third_node_holds_the_later_message_until_the_earlier_one_arrives()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode[] trio = await ClusterAsync(nodes, 3);
        (PartisanNode a, PartisanNode b, PartisanNode c) = (trio[0], trio[1], trio[2]);
        var atC = Probe.Start(c);
        int holdBack = 1;
        c.Faults.AddInterposition((direction, _, message) =>
            direction == FaultDirection.Receive && message is "m1" && Volatile.Read(ref holdBack) == 1 ? InterpositionResult.Drop : InterpositionResult.Pass);
        Pid relay = b.Spawn(async ctx =>
        {
            object x = await ctx.ReceiveAsync();
            Assert.True(b.ForwardMessage(c.Name, atC.Pid, "m3 after " + x, Causal(ack: true)));
        });

        Assert.True(a.ForwardMessage(c.Name, atC.Pid, "m1", Causal(ack: true)));   // a -> c, held back
        Assert.True(a.ForwardMessage(b.Name, relay, "x", Causal(ack: true)));      // a -> b, after m1
        await Eventually.True(() => c.HeldCausalMessages == 1, "m3 (b -> c, after x) arrives and is held");
        Assert.False(atC.TryNext(out _));

        Volatile.Write(ref holdBack, 0);
        Assert.Equal("m1", await atC.NextAsync());
        Assert.Equal("m3 after x", await atC.NextAsync());
    }

    [Fact]
    public async Task Without_acknowledgements_a_lost_message_holds_its_successor_until_the_hold_timeout_declares_it_lost()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode[] pair = await ClusterAsync(nodes, 2, o => o.Delivery.CausalHoldTimeout = TimeSpan.FromMilliseconds(200));
        (PartisanNode a, PartisanNode b) = (pair[0], pair[1]);
        var probe = Probe.Start(b);
        b.Faults.AddInterposition((direction, _, message) => direction == FaultDirection.Receive && message is "m1" ? InterpositionResult.Drop : InterpositionResult.Pass);

        Assert.True(a.ForwardMessage(b.Name, probe.Pid, "m1", Causal(ack: false))); // lost for good: nothing retransmits it
        Assert.True(a.ForwardMessage(b.Name, probe.Pid, "m2", Causal(ack: false)));
        await Eventually.True(() => b.CausalGaps == 1, "the hold timeout declares m1 lost");
        Assert.Equal("m2", await probe.NextAsync());
        Assert.Equal(0, b.HeldCausalMessages);
        Assert.True(a.ForwardMessage(b.Name, probe.Pid, "m3", Causal(ack: false)));
        Assert.Equal("m3", await probe.NextAsync()); // the label flows again
    }

    [Fact]
    public async Task SendAsync_and_SendAckedAsync_stamp_causal_messages_too()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode[] pair = await ClusterAsync(nodes, 2);
        (PartisanNode a, PartisanNode b) = (pair[0], pair[1]);
        var probe = Probe.Start(b);
        int holdBack = 1;
        b.Faults.AddInterposition((direction, _, message) =>
            direction == FaultDirection.Receive && message is "m1" && Volatile.Read(ref holdBack) == 1 ? InterpositionResult.Drop : InterpositionResult.Pass);

        Assert.True(await a.SendAsync(probe.Pid, "m1", Causal(ack: true)));
        Task second = a.SendAckedAsync(probe.Pid, "m2", Causal(ack: false));
        await Eventually.True(() => b.HeldCausalMessages == 1, "m2 is held");
        Assert.True(await a.SendAsync(probe.Pid, "m3", Causal(ack: false)) && !probe.TryNext(out _));
        Volatile.Write(ref holdBack, 0);
        Assert.Equal("m1", await probe.NextAsync());
        Assert.Equal("m2", await probe.NextAsync());
        Assert.Equal("m3", await probe.NextAsync());
        await second.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_channel_with_a_causal_label_orders_every_message_sent_on_it()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode[] pair = await ClusterAsync(nodes, 2, o => o.Channels.Add(new ChannelOptions("ordered") { Ack = true, CausalLabel = Label }));
        (PartisanNode a, PartisanNode b) = (pair[0], pair[1]);
        Assert.Same(a.Causal, a.Pipeline.Stages[0]); // installed at start, first out
        var probe = Probe.Start(b);
        int holdBack = 1;
        b.Faults.AddInterposition((direction, _, message) =>
            direction == FaultDirection.Receive && message is "m1" && Volatile.Read(ref holdBack) == 1 ? InterpositionResult.Drop : InterpositionResult.Pass);

        Assert.True(a.ForwardMessage(b.Name, probe.Pid, "m1", ForwardOptions.OnChannel("ordered")));
        Assert.True(a.ForwardMessage(b.Name, probe.Pid, "m2", ForwardOptions.OnChannel("ordered")));
        await Eventually.True(() => b.HeldCausalMessages == 1, "m2 is held");
        Assert.False(probe.TryNext(out _));
        Volatile.Write(ref holdBack, 0);
        Assert.Equal("m1", await probe.NextAsync());
        Assert.Equal("m2", await probe.NextAsync());
    }

    [Fact]
    public void A_channel_naming_a_label_that_is_not_configured_fails_validation()
    {
        PartisanOptions options = TestNodes.Options("v");
        options.Channels.Add(new ChannelOptions("ordered") { CausalLabel = "missing" });
        Assert.Contains(options.Validate(), e => e.Contains("causal label 'missing'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unconfigured_label_is_refused_at_the_sender()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode[] pair = await ClusterAsync(nodes, 2);
        var probe = Probe.Start(pair[1]);
        Assert.Throws<ArgumentException>(() => pair[0].ForwardMessage(pair[1].Name, probe.Pid, "x", new ForwardOptions { CausalLabel = "nope" }));
    }

    [Fact]
    public async Task Plain_traffic_never_enters_the_causal_stage_and_the_first_labelled_send_installs_it_on_the_sender_only()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode[] pair = await ClusterAsync(nodes, 2);
        (PartisanNode a, PartisanNode b) = (pair[0], pair[1]);
        var probe = Probe.Start(b);

        Assert.True(a.Send(probe.Pid, "plain"));
        Assert.Equal("plain", await probe.NextAsync());
        Assert.True(a.Pipeline.IsEmpty);
        Assert.Empty(b.Pipeline.InboundStages(FrameExtensions.None));
        Assert.Same(b.Causal, Assert.Single(b.Pipeline.InboundStages(new FrameExtensions { CausalClock = new byte[] { 1 } })));

        Assert.True(a.ForwardMessage(b.Name, probe.Pid, "causal", Causal(ack: false)));
        Assert.Equal("causal", await probe.NextAsync());
        Assert.Same(a.Causal, Assert.Single(a.Pipeline.Stages));
        Assert.True(b.Pipeline.IsEmpty);
        Assert.Empty(b.Pipeline.InboundStages(FrameExtensions.None));
    }

    [Fact]
    public async Task A_forged_stamp_is_dropped_and_logged_and_the_connection_keeps_delivering()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode[] pair = await ClusterAsync(nodes, 2);
        (PartisanNode a, PartisanNode b) = (pair[0], pair[1]);
        var probe = Probe.Start(b);
        a.Pipeline.Add(new ForgingStage());

        Assert.True(a.Send(probe.Pid, "forged"));
        Assert.True(a.Send(probe.Pid, "unknown label"));
        Assert.True(a.Send(probe.Pid, "plain"));
        Assert.Equal("plain", await probe.NextAsync());
        Assert.Equal(2, b.Causal.Refused);
        Assert.Equal(0, b.HeldCausalMessages);
    }

    /// <summary>Puts bad causal stamps on chosen messages: garbage bytes, and a well-formed stamp of a label the receiver does not have.</summary>
    private sealed class ForgingStage : IDeliveryStage
    {
        public StageResult OnOutbound(ref OutboundMessage message)
        {
            if (message.Message is "forged")
            {
                message.Extensions.CausalClock = new byte[] { 1, (byte)'l', 0xFF, 0xFF, 0xFF, 0xFF, 0x0F };
            }
            else if (message.Message is "unknown label")
            {
                var order = new Partisan.Delivery.CausalOrder("other", message.Destination, run: 1, maxHeld: 1);
                message.Extensions.CausalClock = Partisan.Delivery.CausalStampCodec.Encode(order.Stamp(message.Destination));
            }

            return StageResult.Continue;
        }

        public StageResult OnInbound(ref InboundMessage message) => StageResult.Continue;
    }
}
