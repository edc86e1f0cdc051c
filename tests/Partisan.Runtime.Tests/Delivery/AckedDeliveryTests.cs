using Partisan.Faults;
using Partisan.Tests.Support;
using Partisan.Transport;

namespace Partisan.Tests.Delivery;

/// <summary>Acknowledged delivery's contract, one rule at a time: the awaitable send, the bounded store, version 1 peers, interposition.</summary>
public class AckedDeliveryTests
{
    private static async Task<(PartisanNode A, PartisanNode B, Pid Sink, System.Threading.Channels.Channel<object> Got)> PairAsync(TestNodes nodes, Action<PartisanOptions>? configure = null)
    {
        PartisanNode[] pair = await nodes.StartClusterAsync(2, o =>
        {
            o.Faults.Enabled = true;
            o.Delivery.RetransmitInterval = TimeSpan.FromMilliseconds(100);
            configure?.Invoke(o);
        });
        var got = System.Threading.Channels.Channel.CreateUnbounded<object>();
        Pid sink = pair[1].Spawn(async ctx =>
        {
            while (true)
            {
                got.Writer.TryWrite(await ctx.ReceiveAsync());
            }
        });
        return (pair[0], pair[1], sink, got);
    }

    [Fact]
    public async Task SendAckedAsync_completes_once_the_receiver_has_the_message_and_nothing_stays_kept()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        (PartisanNode a, _, Pid sink, var got) = await PairAsync(nodes);
        await a.SendAckedAsync(sink, "hello");
        Assert.Equal("hello", await got.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, a.UnackedMessages);
    }

    [Fact]
    public async Task SendAckedAsync_fails_with_Deadline_when_every_frame_is_lost_and_stops_retransmitting()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        (PartisanNode a, _, Pid sink, _) = await PairAsync(nodes);
        a.Faults.Add(new FaultRule { Action = FaultAction.Drop, Channel = ChannelOptions.DefaultName });
        DeliveryFailedException failure = await Assert.ThrowsAsync<DeliveryFailedException>(() => a.SendAckedAsync(sink, "lost", timeout: TimeSpan.FromMilliseconds(300)));
        Assert.Equal(DeliveryFailure.Deadline, failure.Reason);
        Assert.Equal(0, a.UnackedMessages);
    }

    [Fact]
    public async Task SendAckedAsync_to_a_node_that_is_not_a_member_fails_with_NodeRemoved()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        (PartisanNode a, _, _, _) = await PairAsync(nodes);
        var stranger = new Pid(NodeName.Parse("nobody@127.0.0.1"), 1);
        DeliveryFailedException failure = await Assert.ThrowsAsync<DeliveryFailedException>(() => a.SendAckedAsync(stranger, "x"));
        Assert.Equal(DeliveryFailure.NodeRemoved, failure.Reason);
    }

    [Fact]
    public async Task A_full_store_refuses_further_acked_sends_and_takes_them_again_once_acknowledgements_free_room()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        (PartisanNode a, _, Pid sink, var got) = await PairAsync(nodes, o => o.Delivery.MaxUnackedMessages = 10);
        FaultHandle blackhole = a.Faults.Add(new FaultRule { Action = FaultAction.Drop, Channel = ChannelOptions.DefaultName });
        var acked = new ForwardOptions { Ack = true };
        for (int i = 0; i < 10; i++)
        {
            Assert.True(a.ForwardMessage(sink.Node, sink, i, acked));
        }

        Assert.False(a.ForwardMessage(sink.Node, sink, 10, acked)); // full: refused, not silently lost
        Assert.Equal(10, a.UnackedMessages);
        ValueTask<bool> waiting = a.SendAsync(sink, 10, acked); // waits for room
        Assert.False(waiting.IsCompleted);

        a.Faults.Remove(blackhole);
        Assert.True(await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        var seen = new HashSet<int>();
        while (seen.Count < 11)
        {
            Assert.True(seen.Add((int)await got.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10))));
        }

        await Eventually.True(() => a.UnackedMessages == 0, "everything is acknowledged");
    }

    [Fact]
    public async Task An_acked_message_dropped_by_a_send_interposition_arrives_once_the_function_is_removed()
    {
        // Partisan's ack_test: a forward filter drops the message; retransmission delivers it after the filter goes.
        await using var nodes = new TestNodes(new InMemoryNetwork());
        (PartisanNode a, _, Pid sink, var got) = await PairAsync(nodes);
        int dropped = 0;
        FaultHandle filter = a.Faults.AddInterposition((direction, _, message) =>
            direction == FaultDirection.Send && message is "m1" ? Drop(ref dropped) : InterpositionResult.Pass);
        Task sent = a.SendAckedAsync(sink, "m1");
        await Eventually.True(() => Volatile.Read(ref dropped) >= 2, "the first transmission and a retransmission are dropped");
        Assert.False(got.Reader.TryRead(out _));
        a.Faults.Remove(filter);
        await sent.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("m1", await got.Reader.ReadAsync());
    }

    private static InterpositionResult Drop(ref int count)
    {
        Interlocked.Increment(ref count);
        return InterpositionResult.Drop;
    }

    [Fact]
    public async Task A_receive_interposition_drops_and_replaces_plain_messages()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        (PartisanNode a, PartisanNode b, Pid sink, var got) = await PairAsync(nodes);
        b.Faults.AddInterposition((direction, _, message) => direction == FaultDirection.Receive
            ? message switch
            {
                "drop" => InterpositionResult.Drop,
                "old" => InterpositionResult.Replace("new"),
                _ => InterpositionResult.Pass,
            }
            : InterpositionResult.Pass);
        Assert.True(a.Send(sink, "drop"));
        Assert.True(a.Send(sink, "old"));
        Assert.True(a.Send(sink, "last"));
        Assert.Equal("new", await got.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("last", await got.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Acked_delivery_to_a_version_1_peer_fails_clearly_instead_of_retransmitting_forever()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        PartisanNode a = await nodes.StartAsync("a");
        PartisanNode old = await nodes.StartAsync("old", o => o.ProtocolVersions = new ProtocolVersions(1, 1));
        await old.JoinAsync(a.ListenAddresses[0]);
        await Eventually.True(() => TestNodes.AllSee([a, old]), "the two nodes are connected");
        Pid sink = old.Spawn(async ctx => await ctx.ReceiveAsync());

        Assert.Equal(1, a.ProtocolVersionOf(old.Name));
        Assert.False(a.ForwardMessage(old.Name, sink, "x", new ForwardOptions { Ack = true }));
        DeliveryFailedException failure = await Assert.ThrowsAsync<DeliveryFailedException>(() => a.SendAckedAsync(sink, "x"));
        Assert.Equal(DeliveryFailure.Unsupported, failure.Reason);
        Assert.Equal(0, a.UnackedMessages);
    }

    [Fact]
    public async Task A_partition_cuts_the_pair_until_it_is_resolved()
    {
        await using var nodes = new TestNodes(new InMemoryNetwork());
        (PartisanNode a, PartisanNode b, Pid sink, var got) = await PairAsync(nodes);
        PartitionHandle cut = a.Faults.InjectPartition(b.Name);
        Assert.Single(a.Faults.Partitions());
        await Eventually.True(() => !a.IsConnected(b.Name) && !b.IsConnected(a.Name), "the pair is disconnected");
        Task sent = a.SendAckedAsync(sink, "across");
        Assert.True(a.Faults.ResolvePartition(cut));
        Assert.Empty(a.Faults.Partitions());
        await sent.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("across", await got.Reader.ReadAsync());
    }
}
