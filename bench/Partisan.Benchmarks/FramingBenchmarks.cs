using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Partisan.Channels;
using Partisan.Serialization;
using Partisan.Transport;

namespace Partisan.Benchmarks;

/// <summary>
/// The runtime's send and receive path without sockets: encode a message frame (header, target, payload)
/// into a pooled <see cref="OutboundFrame"/>, write a batch of frames into a pipe as the connection's writer
/// does, then cut the frames off the pipe and decode them as the reader does.
/// </summary>
[MemoryDiagnoser]
public class FramingBenchmarks
{
    private const int Batch = 16;
    private readonly WireContext _context = new(Samples.CreateRegistry());
    private MessageCodec _codec = null!;
    private object _message = null!;
    private ProcessRef _target;
    private Pipe _pipe = null!;

    [Params("bytes64", "order", "bytes64k")]
    public string Kind { get; set; } = "bytes64";

    [GlobalSetup]
    public void Setup()
    {
        _codec = new MessageCodec(_context, 64 * 1024 * 1024, 512);
        _message = Samples.Message(Kind);
        _target = new Pid(Samples.Node, 99);
        _pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: 64 * 1024, useSynchronizationContext: false)); // as the TCP transport's pipes
    }

    /// <summary>Encode one message into a pooled frame and return it (the sender's cost per message).</summary>
    [Benchmark]
    public int Encode()
    {
        OutboundFrame frame = OutboundFrame.Rent();
        _codec.EncodeMessage(frame, _target, _message, ChannelCompression.None);
        int length = frame.Length;
        OutboundFrame.Return(frame);
        return length;
    }

    /// <summary>Encode, frame into a pipe, read back and decode; per message (a batch of <see cref="Batch"/>, one flush).</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int RoundTrip()
    {
        PipeWriter output = _pipe.Writer;
        for (int i = 0; i < Batch; i++)
        {
            OutboundFrame frame = OutboundFrame.Rent();
            _codec.EncodeMessage(frame, _target, _message, ChannelCompression.None);
            FrameCodec.WriteFrame(output, frame.Body);
            OutboundFrame.Return(frame);
        }

        output.FlushAsync().AsTask().GetAwaiter().GetResult();
        PipeReader input = _pipe.Reader;
        int decoded = 0;
        while (decoded < Batch && input.TryRead(out ReadResult result))
        {
            ReadOnlySequence<byte> buffer = result.Buffer;
            while (FrameCodec.TryReadFrame(ref buffer, 64 * 1024 * 1024, out ReadOnlySequence<byte> body))
            {
                var reader = new WireReader(body, _context);
                reader.ReadByte(); // frame type
                MessageFlags flags = MessageCodec.ReadHeader(ref reader, Samples.Node, MessageCodec.FlagsFor(ProtocolVersions.Newest), out ProcessRef _, out FrameExtensions _);
                if (_codec.ReadPayload(ref reader, flags, ChannelOptions.Default) is not null)
                {
                    decoded++;
                }
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }

        return decoded;
    }
}
