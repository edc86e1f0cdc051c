using System.IO.Compression;
using Partisan.Serialization;
using Partisan.Tests.Support;

namespace Partisan.Tests.Transport;

/// <summary>Runs alone (after the parallel tests), so a measure of the whole process's allocations means something.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasuringCollection
{
    public const string Name = "memory-measuring";
}

/// <summary>
/// Issue 11, bug 6: a small frame that claims a compressed payload of 64 MiB must not make the node allocate (or keep
/// in a pool) 64 MiB. The receiver sizes its buffers by what actually arrives, and a channel that does not compress
/// refuses the compressed flag.
/// </summary>
[Collection(MemoryMeasuringCollection.Name)]
public class CompressionClaimTests
{
    private const string Secret = "test-cluster-secret";
    private const uint Claimed = 64 * 1024 * 1024;
    private const int FramesPerChannel = 20;
    private const long Bound = 16 * 1024 * 1024;

    private static void WithCompressingChannels(PartisanOptions options)
    {
        options.Channels.Add(new ChannelOptions("zipped", compression: ChannelCompression.Deflate));
        options.Channels.Add(new ChannelOptions("brotli", compression: ChannelCompression.Brotli));
    }

    /// <summary>A message frame with the compressed flag, a declared length of <see cref="Claimed"/>, and <paramref name="data"/> as the compressed bytes.</summary>
    private static byte[] ClaimingFrame(long pid, byte algorithm, byte[] data) =>
        RawPeer.MessageBody(pid, (ref WireWriter w) =>
        {
            w.WriteVarUInt32(Claimed);
            w.WriteByte(algorithm);
            w.WriteRaw(data);
        }, flags: 2);

    private static byte[] Deflated(byte[] plain)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(plain);
        }

        return output.ToArray();
    }

    private static byte[] Encoded(object value)
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, WireContext.Default);
        writer.WriteObject(value);
        writer.Flush();
        return buffer.ToArray();
    }

    [Fact]
    public async Task Frames_claiming_64_MiB_uncompressed_allocate_little_and_the_connection_goes_on()
    {
        await using var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync("bomb", WithCompressingChannels);
        var probe = Probe.Start(node);
        byte[] garbage = [0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07];
        byte[] smallButTrue = Deflated(Encoded("a small payload that claims to be 64 MiB"));
        var peers = new List<RawPeer>();
        try
        {
            foreach (string channel in new[] { "default", "zipped", "brotli" })
            {
                RawPeer raw = await RawPeer.ConnectAsync(node.ListenAddresses[0]);
                peers.Add(raw);
                await raw.HandshakeAsync("raw@127.0.0.1", Secret, channel);
            }

            long heapBefore = GC.GetTotalMemory(forceFullCollection: true);

            // Warm up the paths (first use of a code path allocates its own state), then measure.
            await SendClaimsAsync(peers, probe.Pid.Id, garbage, smallButTrue, count: 1);
            await ExpectAfterAsync(peers, probe, "warm");
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long before = GC.GetTotalAllocatedBytes(precise: true);

            await SendClaimsAsync(peers, probe.Pid.Id, garbage, smallButTrue, count: FramesPerChannel);
            await ExpectAfterAsync(peers, probe, "measured");

            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            Assert.True(allocated < Bound, $"{3 * FramesPerChannel * 2} frames claiming {Claimed >> 20} MiB each made the process allocate {allocated >> 20} MiB (bound {Bound >> 20} MiB).");
            long retained = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
            Assert.True(retained < Bound, $"The managed heap grew by {retained >> 20} MiB over the claims (bound {Bound >> 20} MiB).");
        }
        finally
        {
            foreach (RawPeer raw in peers)
            {
                await raw.DisposeAsync();
            }
        }

        await using RawPeer fresh = await RawPeer.ConnectAsync(node.ListenAddresses[0]);
        await fresh.HandshakeAsync("fresh@127.0.0.1", Secret);
        await fresh.WriteFrameAsync(RawPeer.MessageBody(probe.Pid.Id, (ref WireWriter w) => w.WriteObject("still up")));
        Assert.Equal("still up", await probe.NextAsync());
    }

    private static async Task SendClaimsAsync(List<RawPeer> peers, long pid, byte[] garbage, byte[] smallButTrue, int count)
    {
        for (int i = 0; i < count; i++)
        {
            await peers[0].WriteFrameAsync(ClaimingFrame(pid, (byte)ChannelCompression.Deflate, garbage));
            await peers[0].WriteFrameAsync(ClaimingFrame(pid, (byte)ChannelCompression.Deflate, smallButTrue));
            await peers[1].WriteFrameAsync(ClaimingFrame(pid, (byte)ChannelCompression.Deflate, garbage));
            await peers[1].WriteFrameAsync(ClaimingFrame(pid, (byte)ChannelCompression.Deflate, smallButTrue));
            await peers[2].WriteFrameAsync(ClaimingFrame(pid, (byte)ChannelCompression.Brotli, garbage));
            await peers[2].WriteFrameAsync(ClaimingFrame(pid, (byte)ChannelCompression.Brotli, smallButTrue));
        }
    }

    /// <summary>Each connection is still open and delivers a good message sent after the claims (so they were all read).</summary>
    private static async Task ExpectAfterAsync(List<RawPeer> peers, Probe probe, string tag)
    {
        for (int i = 0; i < peers.Count; i++)
        {
            string text = $"{tag} {i}";
            await peers[i].WriteFrameAsync(RawPeer.MessageBody(probe.Pid.Id, (ref WireWriter w) => w.WriteObject(text)));
            Assert.Equal(text, await probe.NextAsync());
        }
    }
}
