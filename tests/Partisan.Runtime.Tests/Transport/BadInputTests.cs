using System.Text;
using Partisan.Serialization;
using Partisan.Tests.Support;
using Partisan.Transport;

namespace Partisan.Tests.Transport;

/// <summary>Every kind of bad input fails only the offending connection or call; the node stays up and loses nothing else.</summary>
public class BadInputTests
{
    private const string Secret = "test-cluster-secret";

    private static async Task AssertNodeWorks(TestNodes nodes, PartisanNode node)
    {
        PartisanNode other = await nodes.StartAsync("check");
        await other.JoinAsync(node.ListenAddresses[0]);
        var probe = Probe.Start(node);
        await Eventually.True(() => other.IsConnected(node.Name), "a fresh node connects");
        Assert.True(other.Send(probe.Pid, "alive"));
        Assert.Equal("alive", await probe.NextAsync());
    }

    [Fact]
    public async Task Garbage_instead_of_a_handshake_closes_that_connection_only()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        await using RawPeer raw = await RawPeer.ConnectAsync(node.ListenAddresses[0]);

        await raw.WriteAsync(Encoding.ASCII.GetBytes("\0\0\0\x10GET / HTTP/1.1\r\n\r\n"));

        await Eventually.Within(raw.WaitClosedAsync(), "the node closes the garbage connection");
        await AssertNodeWorks(nodes, node);
    }

    [Fact]
    public async Task An_oversize_handshake_frame_closes_that_connection_only()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        await using RawPeer raw = await RawPeer.ConnectAsync(node.ListenAddresses[0]);

        await raw.WriteAsync([0xFF, 0xFF, 0xFF, 0xF0, 1, 2, 3]);

        await Eventually.Within(raw.WaitClosedAsync(), "the node closes the connection");
        await AssertNodeWorks(nodes, node);
    }

    [Fact]
    public async Task A_wrong_protocol_version_is_refused_with_a_clear_reason()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        await using RawPeer raw = await RawPeer.ConnectAsync(node.ListenAddresses[0]);
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, WireContext.Default);
        writer.WriteByte(1); // Hello
        writer.WriteInt32(unchecked((int)Handshake.Magic));
        writer.WriteVarUInt32(99);
        writer.Flush();

        await raw.WriteFrameAsync(buffer.ToArray());
        byte[] reply = await raw.ReadFrameAsync();

        var reader = new WireReader(reply, WireContext.Default);
        Assert.Equal(5, reader.ReadByte()); // Reject
        Assert.Equal((byte)HandshakeFailure.VersionMismatch, reader.ReadByte());
        Assert.Contains("version 99", reader.ReadString());
        await AssertNodeWorks(nodes, node);
    }

    [Fact]
    public async Task A_wrong_secret_is_detected_by_the_dialer_and_the_acceptor_stays_up()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        await using RawPeer raw = await RawPeer.ConnectAsync(node.ListenAddresses[0]);

        var error = await Assert.ThrowsAsync<HandshakeException>(() => raw.HandshakeAsync("raw@127.0.0.1", "not-the-secret"));

        Assert.Equal(HandshakeFailure.AuthenticationFailed, error.Reason);
        await AssertNodeWorks(nodes, node);
    }

    [Fact]
    public async Task An_invalid_node_name_in_the_handshake_is_refused()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        await using RawPeer raw = await RawPeer.ConnectAsync(node.ListenAddresses[0]);
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, WireContext.Default);
        writer.WriteByte(1);
        writer.WriteInt32(unchecked((int)Handshake.Magic));
        writer.WriteVarUInt32(Handshake.ProtocolVersion);
        writer.WriteString("not a node name");
        writer.Flush();

        await raw.WriteFrameAsync(buffer.ToArray());

        await Eventually.Within(raw.WaitClosedAsync(), "the node closes the connection");
        await AssertNodeWorks(nodes, node);
    }

    [Fact]
    public async Task An_unknown_channel_in_the_handshake_is_refused_with_the_reason()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        await using RawPeer raw = await RawPeer.ConnectAsync(node.ListenAddresses[0]);

        var error = await Assert.ThrowsAsync<HandshakeException>(() => raw.HandshakeAsync("raw@127.0.0.1", Secret, channel: "no-such-channel"));

        Assert.Equal(HandshakeFailure.UnknownChannel, error.Reason);
        Assert.Contains("no-such-channel", error.Message);
    }

    [Fact]
    public async Task An_oversize_frame_after_the_handshake_closes_that_connection_and_earlier_messages_arrive()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        var probe = Probe.Start(node);
        await using RawPeer raw = await RawPeer.ConnectAsync(node.ListenAddresses[0]);
        await raw.HandshakeAsync("raw@127.0.0.1", Secret);

        await raw.WriteFrameAsync(RawPeer.MessageBody(probe.Pid.Id, (ref WireWriter w) => w.WriteObject("before")));
        await raw.WriteAsync([0x7F, 0xFF, 0xFF, 0xFF]);

        Assert.Equal("before", await probe.NextAsync());
        await Eventually.Within(raw.WaitClosedAsync(), "the node closes the connection");
        await AssertNodeWorks(nodes, node);
    }

    [Fact]
    public async Task A_message_of_an_unknown_type_is_dropped_and_the_connection_goes_on()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        var probe = Probe.Start(node);
        await using RawPeer raw = await RawPeer.ConnectAsync(node.ListenAddresses[0]);
        await raw.HandshakeAsync("raw@127.0.0.1", Secret);

        await raw.WriteFrameAsync(RawPeer.MessageBody(probe.Pid.Id, (ref WireWriter w) => w.WriteObject("first")));
        await raw.WriteFrameAsync(RawPeer.MessageBody(probe.Pid.Id, (ref WireWriter w) =>
        {
            w.WriteVarUInt32(0x7FFF_0001); // a type id nobody registered
            w.WriteString("payload");
        }));
        await raw.WriteFrameAsync(RawPeer.MessageBody(probe.Pid.Id, (ref WireWriter w) => w.WriteObject("third")));

        Assert.Equal("first", await probe.NextAsync());
        Assert.Equal("third", await probe.NextAsync());
    }

    [Fact]
    public async Task A_malformed_payload_is_dropped_and_the_connection_goes_on()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        var probe = Probe.Start(node);
        await using RawPeer raw = await RawPeer.ConnectAsync(node.ListenAddresses[0]);
        await raw.HandshakeAsync("raw@127.0.0.1", Secret);

        await raw.WriteFrameAsync(RawPeer.MessageBody(probe.Pid.Id, (ref WireWriter w) =>
        {
            w.WriteVarUInt32(WireTypeIds.String);
            w.WriteVarUInt32(1_000_000); // a string longer than the frame
        }));
        await raw.WriteFrameAsync(RawPeer.MessageBody(probe.Pid.Id, (ref WireWriter w) =>
        {
            w.WriteVarUInt32(WireTypeIds.ListOf);
            w.WriteVarUInt32(WireTypeIds.ListOf);
            w.WriteVarUInt32(WireTypeIds.Int32);
            w.WriteVarUInt32(int.MaxValue); // two billion lists claimed in a few bytes
        }));
        await raw.WriteFrameAsync(RawPeer.MessageBody(probe.Pid.Id, (ref WireWriter w) => w.WriteObject("after")));

        Assert.Equal("after", await probe.NextAsync());
    }

    [Fact]
    public async Task A_malformed_message_header_closes_that_connection_and_the_node_stays_up()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        await using RawPeer raw = await RawPeer.ConnectAsync(node.ListenAddresses[0]);
        await raw.HandshakeAsync("raw@127.0.0.1", Secret);

        await raw.WriteFrameAsync(RawPeer.MessageBody(1, (ref WireWriter w) => w.WriteObject("x"), flags: 0x80));

        await Eventually.Within(raw.WaitClosedAsync(), "the node closes the connection");
        await AssertNodeWorks(nodes, node);
    }

    [Fact]
    public async Task An_unknown_frame_type_closes_that_connection()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync();
        await using RawPeer raw = await RawPeer.ConnectAsync(node.ListenAddresses[0]);
        await raw.HandshakeAsync("raw@127.0.0.1", Secret);

        await raw.WriteFrameAsync([200, 1, 2, 3]);

        await Eventually.Within(raw.WaitClosedAsync(), "the node closes the connection");
        await AssertNodeWorks(nodes, node);
    }

    [Fact]
    public async Task A_message_larger_than_MaxFrameSize_fails_at_the_sender_and_the_next_one_arrives()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2, o => o.MaxFrameSize = 64 * 1024);
        var probe = Probe.Start(cluster[1]);

        var error = Assert.Throws<MessageTooLargeException>(() => cluster[0].Send(probe.Pid, new byte[100 * 1024]));

        Assert.Contains("MaxFrameSize", error.Message);
        Assert.True(cluster[0].Send(probe.Pid, "next"));
        Assert.Equal("next", await probe.NextAsync());
    }

    private sealed class Unregistered
    {
    }

    [Fact]
    public async Task Sending_a_type_with_no_formatter_fails_at_the_sender_with_a_clear_error()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        var probe = Probe.Start(cluster[1]);

        var error = Assert.Throws<TypeRegistrationException>(() => cluster[0].Send(probe.Pid, new Unregistered()));

        Assert.Contains(nameof(Unregistered), error.Message);
        Assert.True(cluster[0].Send(probe.Pid, "next"));
        Assert.Equal("next", await probe.NextAsync());
    }

    private sealed record OnlySenderKnows(int Value);

    private sealed class OnlySenderKnowsFormatter : WireFormatter<OnlySenderKnows>
    {
        public override void Write(ref WireWriter writer, OnlySenderKnows value) => writer.WriteVarInt32(value.Value);

        public override OnlySenderKnows Read(ref WireReader reader) => new(reader.ReadVarInt32());
    }

    [Fact]
    public async Task A_type_the_receiver_does_not_know_is_dropped_there_and_later_messages_arrive()
    {
        await using var nodes = new TestNodes();
        var senderTypes = new TypeRegistry();
        senderTypes.Register(new OnlySenderKnowsFormatter());
        PartisanNode sender = await nodes.StartAsync("sender", o => o.TypeRegistry = senderTypes);
        PartisanNode receiver = await nodes.StartAsync("receiver", o => o.TypeRegistry = new TypeRegistry());
        await sender.JoinAsync(receiver.ListenAddresses[0]);
        await Eventually.True(() => sender.IsFullyConnected(receiver.Name), "connected");
        var probe = Probe.Start(receiver);

        Assert.True(sender.Send(probe.Pid, new OnlySenderKnows(1)));
        Assert.True(sender.Send(probe.Pid, "known"));

        Assert.Equal("known", await probe.NextAsync());
        Assert.True(sender.IsConnected(receiver.Name));
    }

    [Fact]
    public void Invalid_configuration_lists_every_problem()
    {
        var options = new PartisanOptions { NodeName = "no at sign", MaxFrameSize = 10, GossipInterval = TimeSpan.Zero, ClusterSecret = "short" };
        options.ListenAddresses.Add("nowhere");
        options.Channels.Add(new ChannelOptions("x"));
        options.Channels.Add(new ChannelOptions("x"));

        var error = Assert.Throws<PartisanConfigurationException>(() => new PartisanNode(options));

        Assert.Contains("NodeName", error.Message);
        Assert.Contains("nowhere", error.Message);
        Assert.Contains("MaxFrameSize", error.Message);
        Assert.Contains("GossipInterval", error.Message);
        Assert.Contains("ClusterSecret", error.Message);
        Assert.Contains("configured twice", error.Message);
        Assert.True(error.Errors.Count >= 6);
    }

    [Fact]
    public void Invalid_channel_options_and_names_are_rejected_with_reasons()
    {
        Assert.Contains("parallelism", Assert.Throws<ArgumentException>(() => new ChannelOptions("c", parallelism: 0)).Message);
        Assert.Contains("contains", Assert.Throws<ArgumentException>(() => new ChannelOptions("bad name")).Message);
        Assert.Throws<FormatException>(() => NodeName.Parse("a@b@c"));
        Assert.Throws<ArgumentException>(() => ProcessRef.ForName("has space", NodeName.Parse("a@b")));
    }
}
