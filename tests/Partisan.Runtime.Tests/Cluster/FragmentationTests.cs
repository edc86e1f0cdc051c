using System.Threading.Channels;
using Partisan.Tests.Overlays;
using Partisan.Tests.Support;
using Partisan.Tests.Transport;
using Partisan.Transport;

namespace Partisan.Tests.Cluster;

/// <summary>
/// Large messages go out in fragments that interleave with other processes' small messages (issue 15): a small message
/// waits for about one fragment, not a whole large message; a process's own messages keep their order; a connection that
/// dies in the middle of a fragmented message delivers it whole once or not at all. Orders are checked by explicit
/// signals (a held flush, arrival order), never by timing.
/// </summary>
public class FragmentationTests
{
    private const string Secret = "test-cluster-secret";

    private static async Task<(PartisanNode Lower, PartisanNode Higher, FaultyTransport Faults)> PairAsync(TestNodes nodes, FrameProtection protection = FrameProtection.None)
    {
        var faults = new FaultyTransport(new TcpTransport());
        PartisanNode lower = await nodes.StartAsync("a", o => { o.Transport = faults; o.FrameProtection = protection; });
        PartisanNode higher = await nodes.StartAsync("b", o => o.FrameProtection = protection);
        await higher.JoinAsync(lower.ListenAddresses[0]);
        await Eventually.True(() => TestNodes.AllSee([lower, higher]), "the pair is connected");
        return (lower, higher, faults);
    }

    internal static byte[] Payload(int length, byte seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A process that sends what the test gives it, so each message has that process as its sender.</summary>
    private sealed class Sender
    {
        private readonly Channel<(ProcessRef To, object Message, TaskCompletionSource<bool> Done)> _work = Channel.CreateUnbounded<(ProcessRef, object, TaskCompletionSource<bool>)>();

        public Sender(PartisanNode node) => node.Spawn(async ctx =>
        {
            await foreach ((ProcessRef to, object message, TaskCompletionSource<bool> done) in _work.Reader.ReadAllAsync())
            {
                done.SetResult(ctx.Node.Send(to, message));
            }
        });

        public Task<bool> SendAsync(ProcessRef to, object message)
        {
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _work.Writer.TryWrite((to, message, done));
            return done.Task;
        }
    }

    [Theory]
    [InlineData(FrameProtection.None)]
    [InlineData(FrameProtection.Authenticated)]
    [InlineData(FrameProtection.Encrypted)]
    public async Task A_small_message_of_another_process_overtakes_a_large_one_queued_before_it(FrameProtection protection)
    {
        await using var nodes = new TestNodes();
        (PartisanNode lower, PartisanNode higher, FaultyTransport faults) = await PairAsync(nodes, protection);
        var probe = Probe.Start(higher);
        var bulk = new Sender(lower);
        var pinger = new Sender(lower);
        byte[] large = Payload(1024 * 1024, 1);
        TaskCompletionSource release = faults.HoldNextFlush(minBytes: 64 * 1024);

        Assert.True(await bulk.SendAsync(probe.Pid, large));
        await Eventually.True(() => Volatile.Read(ref faults.FlushesHeld) == 1, "the writer is held flushing the large message's first fragments");
        Assert.True(await pinger.SendAsync(probe.Pid, "small"));
        release.SetResult();

        Assert.Equal("small", await probe.NextAsync());
        Assert.Equal(large, await probe.NextAsync<byte[]>());
    }

    [Fact]
    public async Task A_process_small_message_never_overtakes_its_own_large_one()
    {
        await using var nodes = new TestNodes();
        (PartisanNode lower, PartisanNode higher, FaultyTransport faults) = await PairAsync(nodes);
        var probe = Probe.Start(higher);
        var sender = new Sender(lower);
        var other = new Sender(lower);
        byte[] large = Payload(1024 * 1024, 2);
        TaskCompletionSource release = faults.HoldNextFlush(minBytes: 64 * 1024);

        Assert.True(await sender.SendAsync(probe.Pid, large));
        await Eventually.True(() => Volatile.Read(ref faults.FlushesHeld) == 1, "the writer is held flushing the large message's first fragments");
        Assert.True(await sender.SendAsync(probe.Pid, "own small"));
        Assert.True(await other.SendAsync(probe.Pid, "other small"));
        release.SetResult();

        Assert.Equal("other small", await probe.NextAsync());
        Assert.Equal(large, await probe.NextAsync<byte[]>());
        Assert.Equal("own small", await probe.NextAsync());
    }

    [Fact]
    public async Task Messages_sent_outside_processes_keep_their_order_among_themselves()
    {
        await using var nodes = new TestNodes();
        (PartisanNode lower, PartisanNode higher, FaultyTransport faults) = await PairAsync(nodes);
        var probe = Probe.Start(higher);
        byte[] large = Payload(1024 * 1024, 3);
        TaskCompletionSource release = faults.HoldNextFlush(minBytes: 64 * 1024);

        Assert.True(lower.Send(probe.Pid, large));
        await Eventually.True(() => Volatile.Read(ref faults.FlushesHeld) == 1, "the writer is held flushing the large message's first fragments");
        Assert.True(lower.Send(probe.Pid, "small, also from no process"));
        release.SetResult();

        Assert.Equal(large, await probe.NextAsync<byte[]>());
        Assert.Equal("small, also from no process", await probe.NextAsync());
    }

    [Fact]
    public async Task A_Down_never_overtakes_the_large_message_its_target_sent_before_dying()
    {
        await using var nodes = new TestNodes();
        (PartisanNode lower, PartisanNode higher, FaultyTransport faults) = await PairAsync(nodes);
        var probe = Probe.Start(higher);
        var other = new Sender(lower);
        byte[] large = Payload(1024 * 1024, 9);
        Pid target = lower.Spawn(async ctx =>
        {
            await ctx.ReceiveAsync(); // go
            ctx.Node.Send(probe.Pid, large);
        }); // and exits: its Down is queued after the large message
        higher.Monitor(probe.Pid, target);
        TaskCompletionSource release = faults.HoldNextFlush(minBytes: 64 * 1024);

        Assert.True(higher.Send(target, "go")); // after the monitor request, on the same connection
        await Eventually.True(() => Volatile.Read(ref faults.FlushesHeld) == 1, "the writer is held flushing the large message's first fragments");
        Assert.True(await other.SendAsync(probe.Pid, "other"));
        release.SetResult();

        Assert.Equal("other", await probe.NextAsync()); // another process's message goes between the fragments
        Assert.Equal(large, await probe.NextAsync<byte[]>());
        ProcessRef expected = target;
        Assert.Equal(expected, (await probe.NextAsync<Down>()).Target);
    }

    [Fact]
    public async Task A_connection_that_dies_after_part_of_a_fragmented_message_was_sent_delivers_none_of_it_and_never_sends_it_again()
    {
        await using var nodes = new TestNodes();
        (PartisanNode lower, PartisanNode higher, FaultyTransport faults) = await PairAsync(nodes);
        var probe = Probe.Start(higher);
        var sender = new Sender(lower);
        faults.FailNextFlushAfterDelivering(minBytes: 64 * 1024); // the first fragments reach the peer, then the connection fails

        Assert.True(await sender.SendAsync(probe.Pid, Payload(1024 * 1024, 4)));
        await Eventually.True(() => Volatile.Read(ref faults.FlushesFailedAfterDelivering) == 1, "the flush of the first fragments failed after delivering");
        await Eventually.True(() => lower.IsFullyConnected(higher.Name) && higher.IsFullyConnected(lower.Name), "the default channel is back");

        // Sent by the same process, "after" would follow the large message had it gone back to the queue.
        Assert.True(await sender.SendAsync(probe.Pid, "after"));
        Assert.Equal("after", await probe.NextAsync());
        Assert.False(probe.TryNext(out _));
    }

    [Fact]
    public async Task A_large_message_none_of_which_was_flushed_goes_whole_on_the_next_connection()
    {
        await using var nodes = new TestNodes();
        (PartisanNode lower, PartisanNode higher, FaultyTransport faults) = await PairAsync(nodes);
        var probe = Probe.Start(higher);
        var first = new Sender(lower);
        var second = new Sender(lower);
        byte[] cut = Payload(1024 * 1024, 5);
        byte[] whole = Payload(1024 * 1024, 6);
        var old = lower.ConnectionManager.OpenConnections().Single(c => c.Peer.Name == higher.Name && c.ChannelName == ChannelOptions.DefaultName);
        _ = faults.HoldNextFlush(minBytes: 64 * 1024); // never released: the kill cancels it and the socket goes with its bytes

        Assert.True(await first.SendAsync(probe.Pid, cut));
        await Eventually.True(() => Volatile.Read(ref faults.FlushesHeld) == 1, "the writer is held flushing the first message's first fragments");
        Assert.True(await second.SendAsync(probe.Pid, whole)); // queued behind the held flush: nothing of it is taken
        old.Close("killed_by_test");
        await Eventually.Within(old.Completion, "the killed connection ends");
        await Eventually.True(() => lower.IsFullyConnected(higher.Name) && higher.IsFullyConnected(lower.Name), "the default channel is back");

        // Each sender's "after" follows what it sent before, had that gone back to the queue; across senders there is no order.
        Assert.True(await first.SendAsync(probe.Pid, "after first"));
        Assert.True(await second.SendAsync(probe.Pid, "after second"));
        var received = new List<object>();
        for (int i = 0; i < 3; i++)
        {
            received.Add(await probe.NextAsync());
        }

        Assert.False(probe.TryNext(out _)); // the first message, whose flush had started, is lost: not delivered, in part or twice
        Assert.Equal("after first", Assert.Single(received, m => m is "after first"));
        Assert.Equal(whole, Assert.Single(received, m => m is byte[]));
        Assert.True(received.FindIndex(m => m is byte[]) < received.IndexOf("after second"));
    }

    [Fact]
    public async Task A_connection_replaced_in_the_middle_of_a_fragmented_message_finishes_it_and_its_successor_sends_the_rest()
    {
        await using var nodes = new TestNodes();
        (PartisanNode lower, PartisanNode higher, FaultyTransport faults) = await PairAsync(nodes);
        var probe = Probe.Start(higher);
        var a = new Sender(lower);
        var b = new Sender(lower);
        byte[] first = Payload(1024 * 1024, 12);
        byte[] second = Payload(1024 * 1024, 13);
        var old = lower.ConnectionManager.OpenConnections().Single(c => c.Peer.Name == higher.Name && c.ChannelName == ChannelOptions.DefaultName);
        TaskCompletionSource release = faults.HoldNextFlush(minBytes: 64 * 1024);

        Assert.True(await a.SendAsync(probe.Pid, first));
        await Eventually.True(() => Volatile.Read(ref faults.FlushesHeld) == 1, "the writer is held flushing the first message's first fragments");
        Assert.True(await b.SendAsync(probe.Pid, second)); // queued: the old writer takes nothing more once replaced
        Assert.True(await a.SendAsync(probe.Pid, "a after"));
        await lower.ConnectionManager.RedialForTestAsync(higher.Name, ChannelOptions.DefaultName, 0);
        await Eventually.True(() => old.IsRetiring, "the old connection is replaced");
        release.SetResult();

        var received = new List<object>();
        for (int i = 0; i < 3; i++)
        {
            received.Add(await probe.NextAsync());
        }

        await Eventually.Within(old.Completion, "the old connection ends after its goodbye");
        Assert.False(probe.TryNext(out _));
        byte[][] larges = received.OfType<byte[]>().ToArray();
        Assert.Equal(2, larges.Length);
        Assert.Contains(larges, m => m.AsSpan().SequenceEqual(first));
        Assert.Contains(larges, m => m.AsSpan().SequenceEqual(second));
        int firstAt = received.FindIndex(m => m is byte[] bytes && bytes.AsSpan().SequenceEqual(first));
        Assert.True(firstAt < received.IndexOf("a after"));
    }

    [Fact]
    public async Task A_goodbye_queued_behind_a_fragmented_message_goes_out_after_it()
    {
        await using var nodes = new TestNodes();
        (PartisanNode lower, PartisanNode higher, FaultyTransport faults) = await PairAsync(nodes);
        var probe = Probe.Start(higher);
        var sender = new Sender(lower);
        byte[] large = Payload(1024 * 1024, 14);
        var old = lower.ConnectionManager.OpenConnections().Single(c => c.Peer.Name == higher.Name && c.ChannelName == ChannelOptions.DefaultName);
        TaskCompletionSource release = faults.HoldNextFlush(minBytes: 64 * 1024);

        Assert.True(await sender.SendAsync(probe.Pid, large));
        await Eventually.True(() => Volatile.Read(ref faults.FlushesHeld) == 1, "the writer is held flushing the large message's first fragments");
        old.CloseGracefully();
        release.SetResult();

        Assert.Equal(large, await probe.NextAsync<byte[]>());
        await Eventually.Within(old.Completion, "the connection closes after its goodbye");
    }

    [Fact]
    public async Task Large_messages_reach_a_version_2_peer_whole_and_arrive_intact_both_ways()
    {
        await using var nodes = new TestNodes();
        PartisanNode old = await nodes.StartAsync("old", o => o.ProtocolVersions = new ProtocolVersions(1, 2));
        PartisanNode @new = await nodes.StartAsync("new");
        await @new.JoinAsync(old.ListenAddresses[0]);
        await Eventually.True(() => TestNodes.AllSee([old, @new]), "both nodes see each other and are fully connected");
        Assert.All(@new.ConnectionManager.OpenConnections(), c => Assert.Equal(2, c.ProtocolVersion));

        // A fragment frame would be an unknown frame type to a version 2 peer: it would close the connection, losing the message.
        var atOld = Probe.Start(old);
        var atNew = Probe.Start(@new);
        byte[] large = Payload(2 * 1024 * 1024, 7);
        Assert.True(@new.Send(atOld.Pid, large));
        Assert.True(old.Send(atNew.Pid, large));
        Assert.Equal(large, await atOld.NextAsync<byte[]>());
        Assert.Equal(large, await atNew.NextAsync<byte[]>());
    }

    [Fact]
    public async Task Large_and_small_messages_from_many_processes_all_arrive_intact_and_each_process_in_order()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] pair = await nodes.StartClusterAsync(2);
        var probe = Probe.Start(pair[1]);
        const int Senders = 4;
        const int PerSender = 6;
        var senders = new Sender[Senders];
        for (int s = 0; s < Senders; s++)
        {
            senders[s] = new Sender(pair[0]);
        }

        var sends = new List<Task<bool>>();
        for (int i = 0; i < PerSender; i++)
        {
            for (int s = 0; s < Senders; s++)
            {
                // Every other message is large (300 KiB to 1 MiB); each carries its sender and sequence number.
                int length = i % 2 == 0 ? 300_000 + (s * 250_000) : 8;
                byte[] payload = Payload(length, (byte)((s * PerSender) + i));
                payload[0] = (byte)s;
                payload[1] = (byte)i;
                sends.Add(senders[s].SendAsync(probe.Pid, payload));
            }
        }

        Assert.All(await Task.WhenAll(sends), sent => Assert.True(sent));
        int[] next = new int[Senders];
        for (int n = 0; n < Senders * PerSender; n++)
        {
            byte[] received = await probe.NextAsync<byte[]>();
            int s = received[0];
            Assert.Equal(next[s]++, received[1]);
            byte[] expected = Payload(received.Length, (byte)((s * PerSender) + received[1]));
            expected[0] = received[0];
            expected[1] = received[1];
            Assert.Equal(expected, received);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Large_relayed_messages_arrive_whole_and_in_each_sender_order_whatever_the_destination_speaks(int destinationVersion)
    {
        await using var nodes = new TestNodes();
        static void Line(PartisanOptions o) => o.Overlay = () => new LineOverlay();
        PartisanNode origin = await nodes.StartAsync("la", Line);
        PartisanNode middle = await nodes.StartAsync("lb", Line);
        PartisanNode end = await nodes.StartAsync("lc", o => { Line(o); o.ProtocolVersions = new ProtocolVersions(1, destinationVersion); });
        await origin.JoinAsync(middle.ListenAddresses[0]);
        await end.JoinAsync(middle.ListenAddresses[0]);
        PartisanNode[] line = [origin, middle, end];
        await Eventually.True(() => line.All(n => n.Members().Count == 3), "every node knows every member");
        await Eventually.True(() => middle.IsConnected(origin.Name) && middle.IsConnected(end.Name) && !origin.IsConnected(end.Name), "a line");
        await Eventually.True(() => origin.IsReachable(end.Name), "the origin reaches the end by relay");
        var probe = Probe.Start(end, "inbox");
        var inbox = ProcessRef.ForName("inbox", end.Name);
        var a = new Sender(origin);
        var b = new Sender(origin);
        byte[] large = Payload(1024 * 1024, 11);

        Assert.True(await a.SendAsync(inbox, large));
        Assert.True(await b.SendAsync(inbox, "b"));
        Assert.True(await a.SendAsync(inbox, "a after"));
        var received = new List<object>();
        for (int i = 0; i < 3; i++)
        {
            received.Add(await probe.NextAsync());
        }

        Assert.Equal(large, Assert.Single(received, m => m is byte[]));
        Assert.Contains("b", received);
        Assert.True(received.FindIndex(m => m is byte[]) < received.IndexOf("a after"));
        Assert.All(middle.ConnectionManager.OpenConnections(), c => Assert.False(c.IsClosed, $"{c} closed"));
    }

    public static TheoryData<string> MalformedInputs => new() { "unknown message", "overrun", "out of sequence", "too many open", "inner frame type", "version 2 connection" };

    [Theory]
    [MemberData(nameof(MalformedInputs))]
    public async Task A_malformed_fragment_closes_only_that_connection_and_the_node_loses_nothing_elsewhere(string input)
    {
        await using var nodes = new TestNodes();
        PartisanNode[] pair = await nodes.StartClusterAsync(2);
        PartisanNode node = pair[0];
        var probe = Probe.Start(node);
        byte[] large = Payload(1024 * 1024, 8);
        await using RawPeer raw = await RawPeer.ConnectAsync(node.ListenAddresses[0]);
        await raw.HandshakeAsync("raw@127.0.0.1", Secret, versions: input == "version 2 connection" ? new ProtocolVersions(1, 2) : null);
        Assert.True(pair[1].Send(probe.Pid, large)); // fragmented on the good connection, around the bad input

        byte[] ten = new byte[10];
        ten[0] = (byte)FrameType.Message;
        switch (input)
        {
            case "unknown message":
                await raw.WriteFrameAsync(FragmentReassemblerTests.Fragment(5, 1, 0, ten));
                break;
            case "overrun":
                await raw.WriteFrameAsync(FragmentReassemblerTests.Fragment(1, 0, 12, ten));
                await raw.WriteFrameAsync(FragmentReassemblerTests.Fragment(1, 1, 0, ten));
                break;
            case "out of sequence":
                await raw.WriteFrameAsync(FragmentReassemblerTests.Fragment(1, 0, 100, ten));
                await raw.WriteFrameAsync(FragmentReassemblerTests.Fragment(1, 2, 0, ten));
                break;
            case "too many open":
                for (uint id = 0; id <= FragmentReassembler.MaxOpen; id++)
                {
                    await raw.WriteFrameAsync(FragmentReassemblerTests.Fragment(id, 0, 100, ten));
                }

                break;
            case "inner frame type":
                byte[] ping = new byte[9];
                ping[0] = (byte)FrameType.Ping;
                await raw.WriteFrameAsync(FragmentReassemblerTests.Fragment(1, 0, 9, ping));
                break;
            default:
                await raw.WriteFrameAsync(FragmentReassemblerTests.Fragment(1, 0, 100, ten));
                break;
        }

        await Eventually.Within(raw.WaitClosedAsync(), "the node closes the connection that broke the rules");
        for (int i = 0; i < 10; i++)
        {
            Assert.True(pair[1].Send(probe.Pid, i));
        }

        Assert.Equal(large, await probe.NextAsync<byte[]>());
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(i, await probe.NextAsync());
        }

        Assert.True(node.IsFullyConnected(pair[1].Name));
    }
}
