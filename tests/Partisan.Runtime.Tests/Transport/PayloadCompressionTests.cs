using System.Buffers;
using Partisan.Channels;
using Partisan.Serialization;

namespace Partisan.Tests.Transport;

/// <summary>Inflating sizes its buffer by what arrives and holds the sender to the length it declared.</summary>
public class PayloadCompressionTests
{
    private static byte[] Compressed(byte[] plain, ChannelCompression compression)
    {
        using var source = new WireBuffer();
        source.Write(plain);
        using var destination = new WireBuffer();
        PayloadCompression.Compress(source, destination, compression);
        return destination.ToArray();
    }

    private static byte[] Plain(int length)
    {
        byte[] plain = new byte[length];
        var random = new Random(length);
        for (int i = 0; i < length; i++)
        {
            plain[i] = (byte)(i % 97 < 50 ? 'a' : random.Next(4));
        }

        return plain;
    }

    [Theory]
    [InlineData(ChannelCompression.Deflate, 1)]
    [InlineData(ChannelCompression.Deflate, 16 * 1024)]
    [InlineData(ChannelCompression.Deflate, (16 * 1024) + 1)]
    [InlineData(ChannelCompression.Deflate, (3 * 1024 * 1024) + 5)]
    [InlineData(ChannelCompression.Brotli, 1)]
    [InlineData(ChannelCompression.Brotli, 16 * 1024)]
    [InlineData(ChannelCompression.Brotli, (16 * 1024) + 1)]
    [InlineData(ChannelCompression.Brotli, (3 * 1024 * 1024) + 5)]
    public void Inflates_exactly_what_was_compressed(ChannelCompression compression, int length)
    {
        byte[] plain = Plain(length);
        byte[] data = Compressed(plain, compression);

        int written = PayloadCompression.Inflate(new ReadOnlySequence<byte>(data), length, out byte[] buffer);

        Assert.Equal(length, written);
        Assert.True(buffer.AsSpan(0, written).SequenceEqual(plain));
        PayloadBuffers.Return(buffer);
    }

    [Theory]
    [InlineData(ChannelCompression.Deflate)]
    [InlineData(ChannelCompression.Brotli)]
    public void A_payload_longer_or_shorter_than_declared_is_refused(ChannelCompression compression)
    {
        byte[] data = Compressed(Plain(50_000), compression);

        Assert.Contains("more than", Assert.Throws<WireFormatException>(() => PayloadCompression.Inflate(new ReadOnlySequence<byte>(data), 49_999, out _)).Message);
        Assert.Contains("not the", Assert.Throws<WireFormatException>(() => PayloadCompression.Inflate(new ReadOnlySequence<byte>(data), 64 * 1024 * 1024, out _)).Message);
    }

    [Theory]
    [InlineData(ChannelCompression.Deflate)]
    [InlineData(ChannelCompression.Brotli)]
    public void Corrupt_or_empty_data_is_refused(ChannelCompression compression)
    {
        Assert.Throws<WireFormatException>(() => PayloadCompression.Inflate(new ReadOnlySequence<byte>([(byte)compression, 0xFF, 0xFE, 0x00, 0x13]), 100, out _));
        Assert.Throws<WireFormatException>(() => PayloadCompression.Inflate(new ReadOnlySequence<byte>([(byte)compression]), 100, out _));
        Assert.Throws<WireFormatException>(() => PayloadCompression.Inflate(ReadOnlySequence<byte>.Empty, 100, out _));
        Assert.Throws<WireFormatException>(() => PayloadCompression.Inflate(new ReadOnlySequence<byte>([9, 1, 2]), 100, out _));
    }

    [Fact]
    public void A_buffer_above_the_pooled_size_is_allocated_for_the_message_and_not_pooled()
    {
        byte[] large = PayloadBuffers.Rent(PayloadBuffers.MaxPooled + 1);

        Assert.Equal(PayloadBuffers.MaxPooled + 1, large.Length); // the shared pool hands out powers of two
        PayloadBuffers.Return(large);
        Assert.NotSame(large, ArrayPool<byte>.Shared.Rent(PayloadBuffers.MaxPooled + 1));
    }
}
