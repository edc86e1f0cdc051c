using Partisan.Channels;
using Partisan.Delivery;
using Partisan.Faults;
using Partisan.Routing;
using Partisan.Tests.Support;
using Partisan.Transport;

namespace Partisan.Tests.Delivery;

/// <summary>
/// Acknowledged delivery and fault injection cost nothing until used: no outbound stage and no inbound stage for plain
/// messages until a message (or a channel) asks for acknowledgements; no frame hook beyond a flag while no rule or
/// partition is in force; no fault stage until an interposition function or predicate rule exists.
/// </summary>
public class NoCostWhenOffTests
{
    private static Named ProbeStage(List<string> calls) => new(calls);

    [Fact]
    public async Task Plain_traffic_leaves_the_pipeline_empty_and_the_first_acked_send_installs_the_ack_stage_on_the_sender_only()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode[] pair = await nodes.StartClusterAsync(2);
        (PartisanNode a, PartisanNode b) = (pair[0], pair[1]);
        var probe = Probe.Start(b);

        Assert.True(a.Send(probe.Pid, "plain"));
        Assert.Equal("plain", await probe.NextAsync());
        Assert.True(a.Pipeline.IsEmpty);
        Assert.Empty(b.Pipeline.InboundStages(FrameExtensions.None));

        Assert.True(a.ForwardMessage(b.Name, probe.Pid, "acked", new ForwardOptions { Ack = true }));
        Assert.Equal("acked", await probe.NextAsync());
        Assert.Same(a.AckStage, Assert.Single(a.Pipeline.Stages));
        await Eventually.True(() => a.UnackedMessages == 0, "acknowledged");

        // The receiver deduplicated it without an outbound stage, and plain messages still skip every stage there.
        Assert.True(b.Pipeline.IsEmpty);
        Assert.Empty(b.Pipeline.InboundStages(FrameExtensions.None));
        Assert.Same(b.AckStage, Assert.Single(b.Pipeline.InboundStages(new FrameExtensions { AckId = 1, AckContext = new AckContext(1, 1) })));
    }

    [Fact]
    public async Task A_channel_with_Ack_installs_the_ack_stage_at_start()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode node = await nodes.StartAsync(configure: o => o.Channels.Add(new ChannelOptions("sure") { Ack = true }));
        Assert.Same(node.AckStage, Assert.Single(node.Pipeline.Stages));
    }

    [Fact]
    public async Task Fault_injection_enabled_but_idle_keeps_the_frame_hooks_behind_a_flag_and_the_fault_stage_out()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode[] pair = await nodes.StartClusterAsync(2, o => o.Faults.Enabled = true);
        (PartisanNode a, PartisanNode b) = (pair[0], pair[1]);
        FaultInjector faults = a.Faults;
        Assert.False(faults.FramesActive);
        Assert.True(a.Pipeline.IsEmpty);

        FaultHandle rule = faults.Add(new FaultRule { Action = FaultAction.Drop, Probability = 0 });
        Assert.True(faults.FramesActive);
        Assert.True(faults.Remove(rule));
        Assert.False(faults.FramesActive);

        PartitionHandle cut = faults.InjectPartition(b.Name);
        Assert.True(faults.FramesActive);
        Assert.True(faults.ResolvePartition(cut));
        Assert.False(faults.FramesActive);

        faults.Add(new FaultRule { Action = FaultAction.Drop, Probability = 0 });
        faults.Clear();
        Assert.False(faults.FramesActive);
        Assert.True(a.Pipeline.IsEmpty); // frame rules need no stage

        FaultHandle interposition = faults.AddInterposition((_, _, _) => InterpositionResult.Pass);
        Assert.IsType<FaultStage>(Assert.Single(a.Pipeline.Stages));
        Assert.IsType<FaultStage>(Assert.Single(a.Pipeline.InboundStages(FrameExtensions.None)));
        Assert.False(faults.FramesActive);
        faults.Remove(interposition);

        // Installed once: a second function or a predicate rule does not add it again, and acked delivery goes before it.
        faults.AddInterposition((_, _, _) => InterpositionResult.Pass);
        faults.Add(new FaultRule { Action = FaultAction.Drop, When = _ => false });
        _ = a.ForwardMessage(b.Name, Probe.Start(b).Pid, "acked", new ForwardOptions { Ack = true }); // delivered or kept: either way through the ack stage
        Assert.Collection(a.Pipeline.Stages, s => Assert.Same(a.AckStage, s), s => Assert.IsType<FaultStage>(s));
    }

    [Fact]
    public async Task On_a_running_node_a_stage_for_acked_messages_sees_acked_ones_and_never_plain_ones()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        var calls = new List<string>();
        PartisanNode[] pair = await nodes.StartClusterAsync(2);
        pair[1].Pipeline.Install(ProbeStage(calls), StageOrder.Last, StageDirections.InboundAcked);
        var probe = Probe.Start(pair[1]);
        Assert.True(pair[0].Send(probe.Pid, "plain"));
        Assert.Equal("plain", await probe.NextAsync());
        Assert.True(pair[0].ForwardMessage(pair[1].Name, probe.Pid, "acked", new ForwardOptions { Ack = true }));
        Assert.Equal("acked", await probe.NextAsync());
        lock (calls)
        {
            Assert.Equal(["in acked"], calls);
        }
    }

    private sealed class Named(List<string> calls) : IDeliveryStage
    {
        public StageResult OnOutbound(ref OutboundMessage message)
        {
            calls.Add("out");
            return StageResult.Continue;
        }

        public StageResult OnInbound(ref InboundMessage message)
        {
            lock (calls)
            {
                calls.Add("in " + message.Message);
            }

            return StageResult.Continue;
        }
    }
}
