using Partisan.Channels;
using Partisan.Delivery;
using Partisan.Routing;
using Partisan.Tests.Support;
using Partisan.Transport;

namespace Partisan.Tests.Delivery;

/// <summary>
/// Bad input to acknowledged delivery from a peer that passed the handshake (a bug or a forger): acknowledgements for
/// runs and sequences that do not exist or were settled, sequences far ahead of the receiver's window. Each is contained
/// (counted, logged, no connection closed, no buffer grown) and delivery goes on.
/// </summary>
public class DeliveryBadInputTests
{
    private static async Task<(PartisanNode A, PartisanNode B, Probe Probe)> PairAsync(TestNodes nodes)
    {
        PartisanNode[] pair = await nodes.StartClusterAsync(2, o => o.Delivery.RetransmitInterval = TimeSpan.FromMilliseconds(100));
        return (pair[0], pair[1], Probe.Start(pair[1]));
    }

    [Fact]
    public async Task Forged_and_replayed_acknowledgements_settle_nothing_and_are_counted()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        (PartisanNode a, PartisanNode b, Probe probe) = await PairAsync(nodes);
        await a.SendAckedAsync(probe.Pid, "first");
        Assert.Equal("first", await probe.NextAsync());
        long before = a.Acks.UnknownAcks;

        Assert.True(b.Router.SendControl(a.Name, new AckMessage(a.Acks.Epoch, 1), ChannelOptions.DefaultName, 0));       // replayed: settled already
        Assert.True(b.Router.SendControl(a.Name, new AckMessage(a.Acks.Epoch + 1, 2), ChannelOptions.DefaultName, 0));   // another run
        Assert.True(b.Router.SendControl(a.Name, new AckMessage(a.Acks.Epoch, 1_000_000), ChannelOptions.DefaultName, 0)); // never sent
        await Eventually.True(() => a.Acks.UnknownAcks == before + 3, "the three acknowledgements arrive and match nothing");

        await a.SendAckedAsync(probe.Pid, "second"); // the pair goes on
        Assert.Equal("second", await probe.NextAsync());
        Assert.Equal(0, a.UnackedMessages);
    }

    [Fact]
    public async Task A_forged_acknowledgement_for_a_kept_message_of_another_run_does_not_settle_it()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode[] pair = await nodes.StartClusterAsync(2, o => { o.Faults.Enabled = true; o.Delivery.RetransmitInterval = TimeSpan.FromMilliseconds(100); });
        (PartisanNode a, PartisanNode b) = (pair[0], pair[1]);
        var probe = Probe.Start(b);
        var blackhole = a.Faults.Add(new Partisan.Faults.FaultRule { Action = Partisan.Faults.FaultAction.Drop, Channel = ChannelOptions.DefaultName, Direction = Partisan.Faults.FaultDirection.Send });
        Assert.True(a.ForwardMessage(b.Name, probe.Pid, "kept", new ForwardOptions { Ack = true }));
        Assert.True(b.Router.SendControl(a.Name, new AckMessage(a.Acks.Epoch + 7, 1), ChannelOptions.DefaultName, 0));
        await Eventually.True(() => a.Acks.UnknownAcks >= 1, "the forged acknowledgement arrives");
        Assert.Equal(1, a.UnackedMessages); // still kept, still retransmitted

        a.Faults.Remove(blackhole);
        Assert.Equal("kept", await probe.NextAsync());
        await Eventually.True(() => a.UnackedMessages == 0, "the real acknowledgement settles it");
    }

    [Fact]
    public async Task A_sequence_far_ahead_of_the_window_is_dropped_unacknowledged_and_the_connection_keeps_delivering()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        (PartisanNode a, PartisanNode b, Probe probe) = await PairAsync(nodes);
        a.Pipeline.Add(new AckForgingStage(a.Acks.Epoch));

        Assert.True(a.Send(probe.Pid, "far ahead"));
        Assert.True(a.Send(probe.Pid, "plain"));
        Assert.Equal("plain", await probe.NextAsync());
        Assert.Equal(1, b.AckStage.Refused);
        Assert.False(probe.TryNext(out _)); // the forged one never reached the mailbox
    }

    /// <summary>Gives chosen plain messages acknowledgement fields with a sequence a million past anything sent.</summary>
    private sealed class AckForgingStage(ulong epoch) : IDeliveryStage
    {
        public StageResult OnOutbound(ref OutboundMessage message)
        {
            if (message.Message is "far ahead")
            {
                message.Extensions.AckId = 1_000_000;
                message.Extensions.AckContext = new AckContext(epoch, 1);
            }

            return StageResult.Continue;
        }

        public StageResult OnInbound(ref InboundMessage message) => StageResult.Continue;
    }
}
