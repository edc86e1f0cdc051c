using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Partisan.Monitoring;
using Partisan.Serialization;
using Partisan.Tests.Cluster;
using Partisan.Tests.Hosting;
using Partisan.Tests.Support;
using Partisan.Transport;

namespace Partisan.Tests.Transport;

/// <summary>
/// Issue 11, "frames after the handshake": a relay that never knew the cluster secret passes a genuine handshake through,
/// then injects or replays frames. With protected frames they fail authentication, close that connection only, and the
/// nodes reconnect; with <see cref="FrameProtection.None"/> they are delivered (the documented hole).
/// </summary>
public class FrameProtectionTests
{
    private const string Secret = "test-cluster-secret";

    public enum Forgery
    {
        Message,
        ExitSignal,
    }

    /// <summary>Node a (lower name, so its dialed connection wins any tie-break) joins node b through the proxy.</summary>
    private sealed class Relayed : IAsyncDisposable
    {
        public required TestNodes Nodes { get; init; }

        public required PartisanNode A { get; init; }

        public required PartisanNode B { get; init; }

        public required CapturingLoggerProvider BLog { get; init; }

        public required ILoggerFactory BLoggerFactory { get; init; }

        public required FrameSplicingProxy Proxy { get; init; }

        public FrameSplicingProxy.Link Link => Proxy.Links[0];

        public static async Task<Relayed> StartAsync(FrameProtection mode)
        {
            var nodes = new TestNodes();
            var log = new CapturingLoggerProvider();
            ILoggerFactory factory = LoggerFactory.Create(b => b.AddProvider(log).SetMinimumLevel(LogLevel.Debug));
            var b = new PartisanNode(TestNodes.Options("mitm-b", o => o.FrameProtection = mode), factory);
            await b.StartAsync();
            PartisanNode a = await nodes.StartAsync("mitm-a", o => o.FrameProtection = mode);
            var proxy = new FrameSplicingProxy(b.ListenAddresses[0]);
            await a.JoinAsync(proxy.Address);
            await Eventually.True(() => TestNodes.AllSee([a, b]), "the nodes join through the relay");
            return new Relayed { Nodes = nodes, A = a, B = b, BLog = log, BLoggerFactory = factory, Proxy = proxy };
        }

        public bool LoggedFailedAuthentication() =>
            BLog.Entries.Any(e => e.Message.Contains("failed authentication", StringComparison.Ordinal) && e.Message.Contains(A.Name.Value, StringComparison.Ordinal));

        public async ValueTask DisposeAsync()
        {
            await Proxy.DisposeAsync();
            await Nodes.DisposeAsync();
            await B.DisposeAsync();
            BLoggerFactory.Dispose();
        }
    }

    private static byte[] ForgedFrame(Forgery forgery, Pid probe, Pid victim)
    {
        if (forgery == Forgery.Message)
        {
            return RawPeer.MessageBody(probe.Id, (ref WireWriter w) => w.WriteObject("forged by the relay"));
        }

        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, WireContext.Default);
        writer.WriteByte((byte)FrameType.Control);
        writer.WriteObject(new ExitSignal(victim, new ExitReason("kill", "forged by the relay")));
        writer.Flush();
        return buffer.ToArray();
    }

    private static Pid SpawnVictim(PartisanNode node) => node.Spawn(async ctx =>
    {
        while (true)
        {
            await ctx.ReceiveAsync();
        }
    });

    [Theory]
    [InlineData(FrameProtection.Authenticated, Forgery.Message)]
    [InlineData(FrameProtection.Authenticated, Forgery.ExitSignal)]
    [InlineData(FrameProtection.Encrypted, Forgery.Message)]
    [InlineData(FrameProtection.Encrypted, Forgery.ExitSignal)]
    public async Task A_frame_injected_by_a_relay_after_a_genuine_handshake_is_refused_and_the_nodes_reconnect(FrameProtection mode, Forgery forgery)
    {
        await using Relayed run = await Relayed.StartAsync(mode);
        var probe = Probe.Start(run.B);
        Pid victim = SpawnVictim(run.B);

        await run.Link.InjectAsync(ForgedFrame(forgery, probe.Pid, victim));

        await Eventually.Within(run.Link.ServerClosed, "b closes the relayed connection");
        await Eventually.True(run.LoggedFailedAuthentication, "b logs the protocol error");
        Assert.True(run.B.IsAlive(victim));
        Assert.False(probe.TryNext(out object? delivered), $"nothing is delivered, got {delivered}");
        await Eventually.True(() => TestNodes.AllSee([run.A, run.B]), "the nodes reconnect");
        Assert.True(run.A.Send(probe.Pid, "genuine"));
        Assert.Equal("genuine", await probe.NextAsync());
        Assert.True(run.B.IsAlive(victim));
    }

    /// <summary>The documented behaviour of <see cref="FrameProtection.None"/>: the relay's frame is taken as the peer's.</summary>
    [Theory]
    [InlineData(Forgery.Message)]
    [InlineData(Forgery.ExitSignal)]
    public async Task Without_protection_a_frame_injected_by_a_relay_is_delivered(Forgery forgery)
    {
        await using Relayed run = await Relayed.StartAsync(FrameProtection.None);
        var probe = Probe.Start(run.B);
        Pid victim = SpawnVictim(run.B);

        await run.Link.InjectAsync(ForgedFrame(forgery, probe.Pid, victim));

        if (forgery == Forgery.Message)
        {
            Assert.Equal("forged by the relay", await probe.NextAsync());
        }
        else
        {
            await Eventually.True(() => !run.B.IsAlive(victim), "the forged exit signal kills the process");
        }

        Assert.False(run.Link.ServerClosed.IsCompleted);
    }

    [Theory]
    [InlineData(FrameProtection.Authenticated)]
    [InlineData(FrameProtection.Encrypted)]
    public async Task A_frame_replayed_by_a_relay_is_refused(FrameProtection mode)
    {
        await using Relayed run = await Relayed.StartAsync(mode);
        await Eventually.True(() => run.Link.FramesForwarded > 2, "a frame after the handshake went through");

        await run.Link.ReplayLastAsync();

        await Eventually.Within(run.Link.ServerClosed, "b closes the relayed connection");
        await Eventually.True(run.LoggedFailedAuthentication, "b logs the protocol error");
        await Eventually.True(() => TestNodes.AllSee([run.A, run.B]), "the nodes reconnect");
    }

    [Theory]
    [InlineData(FrameProtection.None)]
    [InlineData(FrameProtection.Authenticated)]
    [InlineData(FrameProtection.Encrypted)]
    public async Task Messages_calls_and_monitors_work_over_TCP(FrameProtection mode)
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2, o => o.FrameProtection = mode);
        (PartisanNode a, PartisanNode b) = (cluster[0], cluster[1]);

        Assert.All(a.ConnectionManager.OpenConnections(), c => Assert.Equal(mode, c.Protection));
        Assert.All(b.ConnectionManager.OpenConnections(), c => Assert.Equal(mode, c.Protection));
        await VersionNegotiationTests.AssertMessagesAndCallsBothWaysAsync(a, b);

        // A body of several buffer segments (sealed and opened through pooled copies).
        var probe = Probe.Start(b);
        byte[] large = RandomNumberGenerator.GetBytes(300_000);
        Assert.True(a.Send(probe.Pid, large));
        Assert.Equal(large, await probe.NextAsync<byte[]>());

        var watcher = Probe.Start(a);
        Pid target = SpawnVictim(b);
        Ref monitor = a.Monitor(watcher.Pid, target);
        await Eventually.True(() => b.IsAlive(target), "the target runs");
        b.Exit(target, new ExitReason("custom", "done"));
        Down down = await watcher.NextAsync<Down>();
        Assert.Equal(monitor, down.MonitorRef);
        Assert.Equal((ProcessRef)target, down.Target);
    }

    [Theory]
    [InlineData(FrameProtection.Authenticated)]
    [InlineData(FrameProtection.Encrypted)]
    public async Task A_stream_sealed_batch_by_batch_arrives_whole_and_in_order(FrameProtection mode)
    {
        // Sent faster than one flush a message, so the writer seals many frames (and pings, of any size) per record.
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2, o => o.FrameProtection = mode);
        (PartisanNode a, PartisanNode b) = (cluster[0], cluster[1]);
        var probe = Probe.Start(b);
        const int Count = 20_000;
        for (int i = 0; i < Count; i++)
        {
            Assert.True(await a.SendAsync(probe.Pid, i % 1000 == 999 ? new byte[70_000] : i));
        }

        for (int i = 0; i < Count; i++)
        {
            object received = await probe.NextAsync();
            Assert.Equal(i % 1000 == 999 ? 70_000 : i, received is byte[] bytes ? bytes.Length : received);
        }

        Assert.All(a.ConnectionManager.OpenConnections(), c => Assert.False(c.IsClosed));
    }

    [Theory]
    [InlineData(FrameProtection.Authenticated, FrameProtection.None)]
    [InlineData(FrameProtection.None, FrameProtection.Authenticated)]
    [InlineData(FrameProtection.Encrypted, FrameProtection.Authenticated)]
    [InlineData(FrameProtection.None, FrameProtection.Encrypted)]
    public async Task The_handshake_fails_on_both_sides_when_the_modes_differ(FrameProtection initiatorMode, FrameProtection acceptorMode)
    {
        (HandshakeException dialer, HandshakeException acceptor) = await HandshakeBothWaysAsync(initiatorMode, ProtocolVersions.Supported, acceptorMode);

        Assert.Equal(HandshakeFailure.ProtectionMismatch, dialer.Reason);
        Assert.Equal(HandshakeFailure.ProtectionMismatch, acceptor.Reason);
        foreach (HandshakeException error in new[] { dialer, acceptor })
        {
            Assert.Contains($"initiator@127.0.0.1 uses FrameProtection.{initiatorMode}", error.Message);
            Assert.Contains($"acceptor@127.0.0.1 uses FrameProtection.{acceptorMode}", error.Message);
        }
    }

    [Fact]
    public async Task A_protected_node_refuses_a_version_1_peer()
    {
        (HandshakeException dialer, HandshakeException acceptor) = await HandshakeBothWaysAsync(FrameProtection.None, new ProtocolVersions(1, 1), FrameProtection.Authenticated);

        Assert.Equal(HandshakeFailure.ProtectionMismatch, dialer.Reason);
        Assert.Equal(HandshakeFailure.ProtectionMismatch, acceptor.Reason);
        Assert.Contains("FrameProtection.Authenticated, which needs protocol version 2", acceptor.Message);
        Assert.Contains("FrameProtection.Authenticated, which needs protocol version 2", dialer.Message);
    }

    [Fact]
    public async Task Nodes_with_different_modes_refuse_each_other_and_stay_up()
    {
        await using var nodes = new TestNodes();
        PartisanNode authenticated = await nodes.StartAsync("auth", o => o.FrameProtection = FrameProtection.Authenticated);
        PartisanNode plain = await nodes.StartAsync("plain");

        var error = await Assert.ThrowsAsync<HandshakeException>(() => plain.JoinAsync(authenticated.ListenAddresses[0]));

        Assert.Equal(HandshakeFailure.ProtectionMismatch, error.Reason);
        Assert.Contains("FrameProtection.Authenticated", error.Message);
        Assert.Contains("FrameProtection.None", error.Message);
        Assert.Single(authenticated.Members());
        PartisanNode second = await nodes.StartAsync("auth", o => o.FrameProtection = FrameProtection.Authenticated);
        await second.JoinAsync(authenticated.ListenAddresses[0]);
        await Eventually.True(() => TestNodes.AllSee([authenticated, second]), "nodes of one mode still join");
    }

    private static Task<(HandshakeException Dialer, HandshakeException Acceptor)> HandshakeBothWaysAsync(FrameProtection initiatorMode, ProtocolVersions initiatorVersions, FrameProtection acceptorMode) =>
        HandshakeRefusal.BothSidesAsync(
            HandshakeRefusal.Settings("initiator@127.0.0.1", initiatorVersions, initiatorMode),
            HandshakeRefusal.Settings("acceptor@127.0.0.1", ProtocolVersions.Supported, acceptorMode));

    private static HandshakeSettings Settings(string name, ProtocolVersions versions, FrameProtection mode) => HandshakeRefusal.Settings(name, versions, mode);

    [Theory]
    [InlineData(FrameProtection.Authenticated)]
    [InlineData(FrameProtection.Encrypted)]
    public void Sealed_frames_open_in_order_once_and_only_unaltered(FrameProtection mode)
    {
        byte[] key = RandomNumberGenerator.GetBytes(32);
        using var sealer = new FrameSealer(mode, key);
        using var opener = new FrameOpener(mode, key);
        var pipe = new Pipe();
        using var body = new WireBuffer(16);
        byte[] plain = RandomNumberGenerator.GetBytes(5000);
        body.Write(plain); // several segments
        Assert.True(body.SegmentCount > 1);

        int first = sealer.Seal(pipe.Writer, body);
        sealer.Seal(pipe.Writer, body);
        sealer.Seal(pipe.Writer, plain);
        Assert.Equal(plain.Length + FrameCipher.TagSize, first);
        byte[] wire = Drain(pipe);
        ReadOnlySequence<byte> frame1 = Frame(wire, 0, first, segmented: true);
        ReadOnlySequence<byte> frame2 = Frame(wire, 1, first, segmented: false);
        ReadOnlySequence<byte> frame3 = Frame(wire, 2, first, segmented: true);
        Assert.Equal(mode == FrameProtection.Authenticated, frame1.Slice(0, plain.Length).ToArray().AsSpan().SequenceEqual(plain));

        Assert.Equal(plain, Open(opener, frame1));
        Assert.Equal(plain, Open(opener, frame2));
        Assert.Throws<ProtocolException>(() => Open(opener, frame2)); // replayed: its counter was 1, the opener expects 2

        using var fresh = new FrameOpener(mode, key);
        byte[] altered = frame1.ToArray();
        altered[10] ^= 1;
        Assert.Throws<ProtocolException>(() => Open(fresh, new ReadOnlySequence<byte>(altered)));
        using var skipping = new FrameOpener(mode, key);
        Assert.Throws<ProtocolException>(() => Open(skipping, frame3)); // frames 1 and 2 were dropped
    }

    private static byte[] Open(FrameOpener opener, ReadOnlySequence<byte> frame)
    {
        ReadOnlySequence<byte> body = opener.Open(frame, out byte[]? rented);
        try
        {
            return body.ToArray();
        }
        finally
        {
            FrameCipher.Release(rented);
        }
    }

    private static byte[] Drain(Pipe pipe)
    {
        pipe.Writer.Complete();
        Assert.True(pipe.Reader.TryRead(out ReadResult result));
        byte[] bytes = result.Buffer.ToArray();
        pipe.Reader.AdvanceTo(result.Buffer.End);
        return bytes;
    }

    /// <summary>The <paramref name="index"/>th of equal frames of <paramref name="length"/> bytes, optionally cut in two segments.</summary>
    private static ReadOnlySequence<byte> Frame(byte[] wire, int index, int length, bool segmented)
    {
        byte[] bytes = wire.AsSpan((index * (length + 4)) + 4, length).ToArray();
        if (!segmented)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        return Partisan.Tests.Serialization.WireTestKit.Chain([bytes.AsMemory(0, 1000), bytes.AsMemory(1000)]);
    }
}
