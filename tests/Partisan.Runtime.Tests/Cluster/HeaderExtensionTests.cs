using System.Collections.Concurrent;
using System.Diagnostics;
using Partisan.Channels;
using Partisan.Connections;
using Partisan.Routing;
using Partisan.Serialization;
using Partisan.Tests.Overlays;
using Partisan.Tests.Support;
using Partisan.Tests.Transport;
using Partisan.Transport;

namespace Partisan.Tests.Cluster;

/// <summary>Optional header fields over real TCP: they arrive, unknown ones are skipped, malformed ones close the connection, and a version 1 peer never sees them.</summary>
public class HeaderExtensionTests
{
    private const string Secret = "test-cluster-secret";
    private static readonly ProtocolVersions Old = new(1, 1);

    /// <summary>A delivery stage that adds fields to what its node sends and records the fields of what it receives.</summary>
    private sealed class RecordingStage : IDeliveryStage
    {
        public ConcurrentQueue<(object Message, FrameExtensions Extensions)> Received { get; } = new();

        public ulong? AckIdToSend { get; init; }

        public byte[]? RawFieldsToSend { get; init; }

        public StageResult OnOutbound(ref OutboundMessage message)
        {
            message.Extensions.AckId = AckIdToSend ?? message.Extensions.AckId;
            if (RawFieldsToSend is not null)
            {
                message.Extensions.RawFields = RawFieldsToSend;
            }

            return StageResult.Continue;
        }

        public StageResult OnInbound(ref InboundMessage message)
        {
            FrameExtensions copy = message.Extensions;
            if (copy.CausalClock is { } clock)
            {
                copy.CausalClock = clock.ToArray(); // it points into the connection's buffer
            }

            Received.Enqueue((message.Message, copy));
            return StageResult.Continue;
        }

        public FrameExtensions For(object message) => Received.Single(r => Equals(r.Message, message)).Extensions;
    }

    private static Activity StartActivity()
    {
        var activity = new Activity("partisan-test").SetIdFormat(ActivityIdFormat.W3C);
        activity.TraceStateString = "partisan=test";
        return activity.Start();
    }

    private static void AssertTraceOf(Activity activity, FrameExtensions extensions)
    {
        ActivityContext trace = Assert.NotNull(extensions.TraceContext);
        Assert.Equal(activity.TraceId, trace.TraceId);
        Assert.Equal(activity.SpanId, trace.SpanId);
        Assert.Equal("partisan=test", trace.TraceState);
        Assert.True(trace.IsRemote);
    }

    [Fact]
    public async Task Header_fields_set_on_the_sender_arrive_over_TCP_and_an_unknown_one_is_skipped()
    {
        await using var nodes = new TestNodes();
        var sending = new RecordingStage { AckIdToSend = 77, RawFieldsToSend = [0xE8, 0x07, 3, 1, 2, 3] }; // id 1000, 3 bytes
        var receiving = new RecordingStage();
        PartisanNode sender = await nodes.StartAsync("tracer", o => o.PropagateTraceContext = true, n => n.Pipeline.Add(sending));
        PartisanNode receiver = await nodes.StartAsync("traced", beforeStart: n => n.Pipeline.Add(receiving));
        await sender.JoinAsync(receiver.ListenAddresses[0]);
        await Eventually.True(() => TestNodes.AllSee([sender, receiver]), "connected");
        var probe = Probe.Start(receiver);

        Activity activity = StartActivity();
        try
        {
            Assert.True(sender.Send(probe.Pid, "traced"));
        }
        finally
        {
            activity.Stop();
        }

        Assert.Null(Activity.Current);
        Assert.True(sender.Send(probe.Pid, "untraced"));

        Assert.Equal("traced", await probe.NextAsync());
        Assert.Equal("untraced", await probe.NextAsync());
        AssertTraceOf(activity, receiving.For("traced"));
        Assert.Equal(77UL, receiving.For("traced").AckId);
        Assert.Null(receiving.For("untraced").TraceContext);
        Assert.Equal(77UL, receiving.For("untraced").AckId);
    }

    [Fact]
    public async Task An_unknown_field_id_sent_by_a_peer_is_skipped_and_the_message_delivered()
    {
        await using var nodes = new TestNodes();
        var receiving = new RecordingStage();
        PartisanNode node = await nodes.StartAsync(beforeStart: n => n.Pipeline.Add(receiving));
        var probe = Probe.Start(node);
        await using RawPeer raw = await RawPeer.ConnectAsync(node.ListenAddresses[0]);
        Assert.Equal(ProtocolVersions.Newest, (await raw.HandshakeAsync("raw@127.0.0.1", Secret)).Version);

        await raw.WriteFrameAsync(FrameExtensionsTests.WithFields(probe.Pid.Id, (ref WireWriter w) =>
        {
            FrameExtensionsTests.Field(ref w, 31_337, new byte[40]);
            FrameExtensionsTests.Field(ref w, (uint)ExtensionField.AckId, [9]);
            FrameExtensionsTests.Field(ref w, 9, [1, 2, 3]); // id 5 is the ack context since issue 14
        }, "with unknown fields"));
        await raw.WriteFrameAsync(RawPeer.MessageBody(probe.Pid.Id, (ref WireWriter w) => w.WriteObject("plain")));

        Assert.Equal("with unknown fields", await probe.NextAsync());
        Assert.Equal("plain", await probe.NextAsync());
        Assert.Equal(9UL, receiving.For("with unknown fields").AckId);
        Assert.True(receiving.For("plain").IsEmpty);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Malformed_header_fields_close_that_connection_and_the_node_stays_up(bool versionOneConnection)
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        var probe = Probe.Start(node);
        await using RawPeer raw = await RawPeer.ConnectAsync(node.ListenAddresses[0]);
        await raw.HandshakeAsync("raw@127.0.0.1", Secret, versions: versionOneConnection ? Old : null);

        // On version 2, a block claiming more than the limit; on version 1, the flag itself is unknown.
        await raw.WriteFrameAsync(versionOneConnection
            ? FrameExtensionsTests.WithFields(probe.Pid.Id, (ref WireWriter w) => FrameExtensionsTests.Field(ref w, 1, [1]), "x")
            : FrameExtensionsTests.WithBlock(probe.Pid.Id, (ref WireWriter w) => w.WriteVarUInt32(FrameExtensionsCodec.MaxBytes + 1), "x"));

        await Eventually.Within(raw.WaitClosedAsync(), "the node closes the connection");
        await using RawPeer fresh = await RawPeer.ConnectAsync(node.ListenAddresses[0]);
        await fresh.HandshakeAsync("fresh@127.0.0.1", Secret);
        await fresh.WriteFrameAsync(RawPeer.MessageBody(probe.Pid.Id, (ref WireWriter w) => w.WriteObject("still up")));
        Assert.Equal("still up", await probe.NextAsync());
    }

    [Fact]
    public async Task A_version_2_node_sends_header_fields_to_a_version_2_peer_and_none_to_a_version_1_peer()
    {
        await using var nodes = new TestNodes();
        var sending = new RecordingStage { AckIdToSend = 5, RawFieldsToSend = [0xE8, 0x07, 1, 0] };
        var atOld = new RecordingStage();
        var atNew = new RecordingStage();
        PartisanNode sender = await nodes.StartAsync("sender", o => o.PropagateTraceContext = true, n => n.Pipeline.Add(sending));
        PartisanNode old = await nodes.StartAsync("old", o => o.ProtocolVersions = Old, n => n.Pipeline.Add(atOld));
        PartisanNode @new = await nodes.StartAsync("new", beforeStart: n => n.Pipeline.Add(atNew));
        await old.JoinAsync(sender.ListenAddresses[0]);
        await @new.JoinAsync(sender.ListenAddresses[0]);
        PartisanNode[] cluster = [sender, old, @new];
        await Eventually.True(() => TestNodes.AllSee(cluster), "all three connected");
        IReadOnlyList<PeerConnection> oldConnections = old.ConnectionManager.OpenConnections();
        Assert.All(oldConnections, c => Assert.Equal(1, c.ProtocolVersion));
        var toOld = Probe.Start(old);
        var toNew = Probe.Start(@new);

        Activity activity = StartActivity();
        try
        {
            for (int i = 0; i < 20; i++)
            {
                Assert.True(sender.Send(toOld.Pid, $"old {i}"));
                Assert.True(sender.Send(toNew.Pid, $"new {i}"));
            }

            await VersionNegotiationTests.AssertMessagesAndCallsBothWaysAsync(sender, old);
        }
        finally
        {
            activity.Stop();
        }

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal($"old {i}", await toOld.NextAsync());
            Assert.Equal($"new {i}", await toNew.NextAsync());
        }

        Assert.All(atOld.Received, r => Assert.True(r.Extensions.IsEmpty, $"{r.Message} arrived with {r.Extensions}"));
        Assert.All(oldConnections, c => Assert.False(c.IsClosed, $"{c} closed"));
        AssertTraceOf(activity, atNew.For("new 0"));
        Assert.Equal(5UL, atNew.For("new 19").AckId);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_relayed_message_keeps_its_fields_for_a_version_2_destination_and_loses_them_for_a_version_1_one(int destinationVersion)
    {
        await using var nodes = new TestNodes();
        var atEnd = new RecordingStage();
        static void Line(PartisanOptions o) => o.Overlay = () => new LineOverlay();
        PartisanNode origin = await nodes.StartAsync("la", o => { Line(o); o.PropagateTraceContext = true; });
        PartisanNode middle = await nodes.StartAsync("lb", Line);
        PartisanNode end = await nodes.StartAsync("lc", o => { Line(o); o.ProtocolVersions = new ProtocolVersions(1, destinationVersion); }, n => n.Pipeline.Add(atEnd));
        await origin.JoinAsync(middle.ListenAddresses[0]);
        await end.JoinAsync(middle.ListenAddresses[0]);
        PartisanNode[] line = [origin, middle, end];
        await Eventually.True(() => line.All(n => n.Members().Count == 3), "every node knows every member");
        await Eventually.True(() => middle.IsConnected(origin.Name) && middle.IsConnected(end.Name) && !origin.IsConnected(end.Name), "a line");
        await Eventually.True(() => origin.IsReachable(end.Name), "the origin reaches the end by relay (its next hop is published)");
        var probe = Probe.Start(end, "inbox");
        IReadOnlyList<PeerConnection> middleConnections = middle.ConnectionManager.OpenConnections();

        Activity activity = StartActivity();
        try
        {
            for (int i = 0; i < 10; i++)
            {
                Assert.True(origin.Send(ProcessRef.ForName("inbox", end.Name), i));
            }
        }
        finally
        {
            activity.Stop();
        }

        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(i, await probe.NextAsync());
        }

        Assert.False(origin.IsConnected(end.Name));
        Assert.All(middleConnections, c => Assert.False(c.IsClosed, $"{c} closed"));
        if (destinationVersion == 1)
        {
            Assert.All(atEnd.Received, r => Assert.True(r.Extensions.IsEmpty, $"{r.Message} arrived with {r.Extensions}"));
        }
        else
        {
            Assert.All(atEnd.Received, r => AssertTraceOf(activity, r.Extensions));
        }
    }
}
