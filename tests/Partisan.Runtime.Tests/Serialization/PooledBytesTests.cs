using Partisan.Serialization;
using Partisan.Tests.Support;

namespace Partisan.Tests.Serialization;

/// <summary>Large binary messages in pooled memory: same bytes as byte[], read into a rented array the receiver gives back.</summary>
public class PooledBytesTests
{
    private static byte[] Encode(object? message) => WireRoundTrip.Encode(message);

    private static object? Decode(byte[] bytes) => WireRoundTrip.Decode(bytes);

    private static byte[] Pattern(int length)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 31 + 7);
        }

        return bytes;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65536)]
    [InlineData(1 << 20)]
    public void It_round_trips_and_its_payload_is_written_as_a_byte_array_is(int length)
    {
        byte[] bytes = Pattern(length);
        using var sent = PooledBytes.CopyOf(bytes);
        byte[] wire = Encode(sent);

        using var received = Assert.IsType<PooledBytes>(Decode(wire));
        Assert.Equal(length, received.Length);
        Assert.True(received.Span.SequenceEqual(bytes));
        Assert.NotSame(sent, received);

        // After the type id, the same bytes as a byte[] of the same contents.
        byte[] asArray = Encode(bytes);
        Assert.True(wire.AsSpan(1).SequenceEqual(asArray.AsSpan(1)));
    }

    [Fact]
    public void Disposing_gives_the_array_back_once_and_later_use_throws()
    {
        var pooled = PooledBytes.CopyOf(Pattern(100));
        Assert.False(pooled.IsDisposed);
        pooled.Dispose();
        pooled.Dispose();
        Assert.True(pooled.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => pooled.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => pooled.Memory);
    }

    [Fact]
    public void A_declared_length_the_input_cannot_hold_fails_before_renting()
    {
        byte[] wire = Encode(PooledBytes.CopyOf(Pattern(1000)));
        Assert.Throws<WireFormatException>(() => Decode(wire[..500]));
    }

    [Fact]
    public void A_member_of_a_collection_round_trips()
    {
        List<PooledBytes> list = [PooledBytes.CopyOf(Pattern(10)), PooledBytes.CopyOf(Pattern(3))];
        var back = Assert.IsType<List<PooledBytes>>(Decode(Encode(list)));
        Assert.Equal([10, 3], back.Select(b => b.Length));
        Assert.True(back[0].Span.SequenceEqual(Pattern(10)));
    }

    [Fact]
    public async Task It_travels_between_nodes_and_arrives_in_pooled_memory_the_receiver_owns()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        byte[] bytes = Pattern(200_000);
        var arrived = new TaskCompletionSource<(int Length, bool Same)>(TaskCreationOptions.RunContinuationsAsynchronously);
        Pid sink = cluster[1].Spawn(async ctx =>
        {
            using var received = (PooledBytes)await ctx.ReceiveAsync();
            arrived.SetResult((received.Length, received.Span.SequenceEqual(bytes)));
        });

        using var sent = PooledBytes.CopyOf(bytes);
        Assert.True(await cluster[0].SendAsync(sink, sent));
        (int length, bool same) = await Eventually.Within(arrived.Task, "the pooled bytes arrive");
        Assert.Equal(bytes.Length, length);
        Assert.True(same, "the same bytes arrive");
        Assert.False(sent.IsDisposed, "a remote send copies: the sender still owns its instance");
    }
}
