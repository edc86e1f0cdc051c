using System.Buffers.Binary;
using System.IO.Pipelines;
using Partisan.Serialization;
using Partisan.Transport;

namespace Partisan.Tests.Support;

/// <summary>A hand-driven connection to a node, for feeding it bad input.</summary>
public sealed class RawPeer : IAsyncDisposable
{
    private readonly ITransportConnection _connection;

    private RawPeer(ITransportConnection connection) => _connection = connection;

    public static async Task<RawPeer> ConnectAsync(ListenAddress address) =>
        new(await new TcpTransport().ConnectAsync(address, CancellationToken.None));

    /// <summary>Runs the real handshake as a node called <paramref name="name"/>; returns the acceptor's spec.</summary>
    internal async Task<HandshakeResult> HandshakeAsync(string name, string secret, string channel = "default", int index = 0, ProtocolVersions? versions = null)
    {
        var spec = new NodeSpec(NodeName.Parse(name), [new ListenAddress("127.0.0.1", 1)], [ChannelOptions.Default, ChannelOptions.Membership], 1);
        var settings = new HandshakeSettings(spec, Handshake.DeriveKey(secret), TimeSpan.FromSeconds(10), WireContext.Default, TimeProvider.System, versions ?? ProtocolVersions.Supported);
        return await Handshake.InitiateAsync(_connection, settings, channel, index, null, CancellationToken.None);
    }

    public async Task WriteAsync(byte[] bytes)
    {
        await _connection.Output.WriteAsync(bytes);
    }

    /// <summary>Writes one frame (length prefix added).</summary>
    public Task WriteFrameAsync(byte[] body)
    {
        byte[] frame = new byte[body.Length + 4];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)body.Length);
        body.CopyTo(frame, 4);
        return WriteAsync(frame);
    }

    /// <summary>Writes a Ping frame (type 12) carrying <paramref name="timestamp"/>; the node answers with a Pong (13).</summary>
    public Task WritePingAsync(long timestamp)
    {
        byte[] body = new byte[9];
        body[0] = 12;
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(1), timestamp);
        return WriteFrameAsync(body);
    }

    /// <summary>Builds a message frame body for pid <paramref name="targetId"/> whose payload <paramref name="write"/> writes.</summary>
    public static byte[] MessageBody(long targetId, WireWrite write, byte flags = 0)
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, WireContext.Default);
        writer.WriteByte(10);
        writer.WriteByte(flags);
        writer.WriteVarInt64(targetId);
        write(ref writer);
        writer.Flush();
        return buffer.ToArray();
    }

    public delegate void WireWrite(ref WireWriter writer);

    public Task<byte[]> ReadFrameAsync() => FrameCodec.ReadFrameAsync(_connection.Input, 1024 * 1024, CancellationToken.None).AsTask();

    /// <summary>Completes when the node closes the connection (reads and discards until then).</summary>
    public async Task WaitClosedAsync()
    {
        PipeReader input = _connection.Input;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync();
            }
            catch (IOException)
            {
                return;
            }

            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
