using Partisan.Channels;
using Partisan.Routing;

namespace Partisan.Tests.Delivery;

/// <summary>The pipeline's stage lists: order, directions, idempotent and concurrent installation, and which inbound messages skip every stage.</summary>
public class DeliveryPipelineTests
{
    [Fact]
    public void Stages_run_by_order_outbound_and_in_reverse_inbound_whatever_the_order_of_installation()
    {
        var pipeline = new DeliveryPipeline();
        var calls = new List<string>();
        pipeline.Install(new Named("late", calls), 300, StageDirections.Both);
        pipeline.Add(new Named("custom", calls));
        pipeline.Install(new Named("early", calls), 100, StageDirections.Both);
        pipeline.Install(new Named("middle", calls), 200, StageDirections.Both);

        var outbound = new OutboundMessage { Message = "m" };
        Assert.Equal(StageResult.Continue, pipeline.Outbound(ref outbound));
        var inbound = new InboundMessage { Message = "m" };
        Assert.True(pipeline.Inbound(ref inbound));

        Assert.Equal(["out early", "out middle", "out late", "out custom", "in custom", "in late", "in middle", "in early"], calls);
    }

    [Fact]
    public void A_stage_for_acked_messages_only_is_not_entered_by_a_message_without_the_ack_fields()
    {
        var pipeline = new DeliveryPipeline();
        var calls = new List<string>();
        var ack = new Named("ack", calls);
        Assert.True(pipeline.Install(ack, StageOrder.Ack, StageDirections.InboundAcked));

        Assert.True(pipeline.IsEmpty);
        Assert.Empty(pipeline.InboundStages(FrameExtensions.None));
        var idOnly = new FrameExtensions { AckId = 7 }; // an ack id alone is not acknowledged delivery
        Assert.Empty(pipeline.InboundStages(idOnly));

        var acked = new FrameExtensions { AckId = 7, AckContext = new AckContext(1, 1) };
        var message = new InboundMessage { Message = "m", Extensions = acked };
        Assert.True(pipeline.Inbound(ref message));
        Assert.Equal(["in ack"], calls);
    }

    [Fact]
    public void Installing_again_adds_only_missing_directions()
    {
        var pipeline = new DeliveryPipeline();
        var stage = new Named("s", []);
        Assert.True(pipeline.Install(stage, StageOrder.Ack, StageDirections.InboundAcked));
        Assert.False(pipeline.Install(stage, StageOrder.Ack, StageDirections.InboundAcked));
        Assert.True(pipeline.Install(stage, StageOrder.Ack, StageDirections.Outbound));
        Assert.False(pipeline.Install(stage, StageOrder.Ack, StageDirections.Outbound));

        Assert.Same(stage, Assert.Single(pipeline.Stages));
        Assert.Empty(pipeline.InboundStages(FrameExtensions.None));
    }

    [Fact]
    public async Task Concurrent_installs_while_senders_run_install_each_stage_once_and_senders_see_whole_lists()
    {
        var pipeline = new DeliveryPipeline();
        var stages = new Named[64];
        for (int i = 0; i < stages.Length; i++)
        {
            stages[i] = new Named(i.ToString(System.Globalization.CultureInfo.InvariantCulture), null);
        }

        using var stop = new CancellationTokenSource();
        Task reader = Task.Run(() =>
        {
            int seen = 0;
            while (!stop.IsCancellationRequested)
            {
                var message = new OutboundMessage { Message = "m" };
                Assert.Equal(StageResult.Continue, pipeline.Outbound(ref message));
                int count = pipeline.Stages.Count;
                Assert.True(count >= seen, "a published list never shrinks");
                seen = count;
            }
        });

        await Parallel.ForAsync(0, stages.Length * 4, (i, _) =>
        {
            pipeline.Install(stages[i % stages.Length], i % stages.Length, StageDirections.Outbound);
            return ValueTask.CompletedTask;
        });
        await stop.CancelAsync();
        await reader;

        Assert.Equal<IDeliveryStage>(stages, pipeline.Stages);
    }

    private sealed class Named(string name, List<string>? calls) : IDeliveryStage
    {
        public StageResult OnOutbound(ref OutboundMessage message)
        {
            calls?.Add("out " + name);
            return StageResult.Continue;
        }

        public StageResult OnInbound(ref InboundMessage message)
        {
            calls?.Add("in " + name);
            return StageResult.Continue;
        }

        public override string ToString() => name;
    }
}
