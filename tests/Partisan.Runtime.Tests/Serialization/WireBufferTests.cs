using System.Buffers;
using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Partisan.Serialization;
using static Partisan.Tests.Serialization.WireTestKit;

namespace Partisan.Tests.Serialization;

public class WireBufferTests
{
    /// <summary>Chunks written straight through the IBufferWriter API, with varied size hints.</summary>
    private static Gen<List<(byte[] Data, int Hint)>> Chunks { get; } =
        Gen.ListOf(
            from length in Gen.Frequency((6, Gen.Choose(0, 40)), (3, Gen.Choose(41, 700)), (1, Gen.Choose(701, 5000)))
            from seed in Gens.Default<int>()
            from hint in Gen.OneOf(Gen.Constant(0), Gen.Choose(1, length + 1))
            select (Bytes(length, seed), hint)).Select(l => l.ToList());

    private static byte[] Bytes(int length, int seed)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static byte[] Fill(WireBuffer buffer, IEnumerable<(byte[] Data, int Hint)> chunks)
    {
        var expected = new List<byte>();
        foreach ((byte[] data, int hint) in chunks)
        {
            int offset = 0;
            while (offset < data.Length || (data.Length == 0 && offset == 0))
            {
                Span<byte> span = buffer.GetSpan(hint);
                Assert.True(span.Length >= Math.Max(1, hint));
                int n = Math.Min(span.Length, data.Length - offset);
                data.AsSpan(offset, n).CopyTo(span);
                buffer.Advance(n);
                offset += n;
                if (data.Length == 0)
                {
                    break;
                }
            }

            expected.AddRange(data);
        }

        return [.. expected];
    }

    private static byte[] Segments(WireBuffer buffer)
    {
        var all = new List<byte>();
        for (int i = 0; i < buffer.SegmentCount; i++)
        {
            all.AddRange(buffer.GetSegment(i).ToArray());
        }

        return [.. all];
    }

    [Fact]
    public void Writes_spanning_many_segments_read_back_every_way() =>
        Check(
            Chunks,
            chunks =>
            {
                using var buffer = new WireBuffer(16);
                byte[] expected = Fill(buffer, chunks);
                Assert.Equal(expected.Length, buffer.WrittenCount);
                Assert.Equal(expected, buffer.ToArray());
                Assert.Equal(expected, Segments(buffer));

                byte[] copy = new byte[expected.Length + 3];
                buffer.CopyTo(copy);
                Assert.Equal(expected, copy[..expected.Length]);
                Assert.Equal(new byte[3], copy[expected.Length..]);

                var writer = new ArrayBufferWriter<byte>(1);
                writer.Write(new byte[] { 0xEE });
                buffer.CopyTo(writer);
                Assert.Equal([0xEE, .. expected], writer.WrittenSpan.ToArray());

                Assert.Equal(expected, AsSequence(buffer).ToArray());
            },
            100);

    [Fact]
    public void Large_writes_grow_segments_without_moving_earlier_bytes()
    {
        using var buffer = new WireBuffer(16);
        buffer.GetSpan(4)[..4].Fill(0xAB);
        buffer.Advance(4);
        Memory<byte> first = buffer.GetMemory(200_000);
        Assert.True(first.Length >= 200_000);
        first.Span[..200_000].Fill(0xCD);
        buffer.Advance(200_000);
        Assert.Equal(200_004, buffer.WrittenCount);
        Assert.True(buffer.SegmentCount >= 2);
        byte[] all = buffer.ToArray();
        Assert.All(all[..4], b => Assert.Equal(0xAB, b));
        Assert.All(all[4..], b => Assert.Equal(0xCD, b));
    }

    [Fact]
    public void Patch_overwrites_across_segment_boundaries() =>
        Check(
            from chunks in Chunks.Where(c => c.Sum(x => x.Data.Length) > 0)
            from start in Gen.Choose(0, int.MaxValue)
            from length in Gen.Choose(0, 64)
            from fill in Gens.Default<byte>()
            select (chunks, start, length, fill),
            input =>
            {
                using var buffer = new WireBuffer(16);
                byte[] expected = Fill(buffer, input.chunks);
                int position = input.start % expected.Length;
                int length = Math.Min(input.length, expected.Length - position);
                byte[] patch = Enumerable.Range(0, length).Select(i => (byte)(input.fill + i)).ToArray();
                buffer.Patch(position, patch);
                patch.CopyTo(expected, position);
                Assert.Equal(expected, buffer.ToArray());
            },
            200);

    [Fact]
    public void Patch_at_a_known_boundary_splits_between_two_segments()
    {
        using var buffer = new WireBuffer(16);
        int firstSegment = buffer.GetSpan(1).Length;
        buffer.GetSpan(firstSegment)[..firstSegment].Fill(1);
        buffer.Advance(firstSegment);
        buffer.GetSpan(8)[..8].Fill(2);
        buffer.Advance(8);
        Assert.Equal(2, buffer.SegmentCount);

        buffer.Patch(firstSegment - 2, [9, 9, 9, 9]);
        byte[] all = buffer.ToArray();
        Assert.Equal(new byte[] { 1, 9, 9, 9, 9, 2 }, all[(firstSegment - 3)..(firstSegment + 3)]);
        Assert.Equal(firstSegment + 8, all.Length);
    }

    [Fact]
    public void Patch_outside_the_written_range_is_refused()
    {
        using var buffer = new WireBuffer();
        buffer.GetSpan(10);
        buffer.Advance(10);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Patch(-1, [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Patch(8, [1, 2, 3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Patch(11, []));
        buffer.Patch(10, []);
        buffer.Patch(7, [7, 8, 9]);
        Assert.Equal(new byte[] { 7, 8, 9 }, buffer.ToArray()[7..]);
    }

    [Fact]
    public void Advance_beyond_the_obtained_span_is_refused()
    {
        using var buffer = new WireBuffer();
        int length = buffer.GetSpan(1).Length;
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Advance(length + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Advance(-1));
        Assert.Equal(0, buffer.WrittenCount);
    }

    [Fact]
    public void The_initial_size_has_a_floor()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WireBuffer(15));
        using var smallest = new WireBuffer(16);
        Assert.True(smallest.GetSpan().Length >= 16);
    }

    [Fact]
    public void Reset_forgets_everything_and_the_buffer_is_reusable() =>
        Check(
            Gen.ListOf(Chunks).Select(l => l.ToList()),
            rounds =>
            {
                using var buffer = new WireBuffer(16);
                foreach (List<(byte[] Data, int Hint)> chunks in rounds)
                {
                    byte[] expected = Fill(buffer, chunks);
                    Assert.Equal(expected, buffer.ToArray());
                    buffer.Reset();
                    Assert.Equal(0, buffer.WrittenCount);
                    Assert.Equal(1, buffer.SegmentCount);
                    Assert.Empty(buffer.ToArray());
                    Assert.True(buffer.TryGetSingleSegment(out ReadOnlySpan<byte> empty));
                    Assert.True(empty.IsEmpty);
                }
            },
            50);

    [Fact]
    public void Reset_after_a_huge_message_gives_back_the_big_segments()
    {
        using var buffer = new WireBuffer(64);
        buffer.GetSpan(10);
        buffer.Advance(10);
        buffer.GetSpan(500_000);
        buffer.Advance(500_000);
        buffer.Reset();
        Assert.True(buffer.GetSpan().Length < 500_000);
    }

    [Fact]
    public void TryGetSingleSegment_reports_whether_the_bytes_are_contiguous()
    {
        using var buffer = new WireBuffer(64);
        Assert.True(buffer.TryGetSingleSegment(out ReadOnlySpan<byte> span));
        Assert.True(span.IsEmpty);

        buffer.GetSpan(3)[..3].Fill(5);
        buffer.Advance(3);
        Assert.True(buffer.TryGetSingleSegment(out span));
        Assert.Equal(new byte[] { 5, 5, 5 }, span.ToArray());

        int rest = buffer.GetSpan(1).Length;
        buffer.Advance(rest);
        buffer.GetSpan(1);
        buffer.Advance(1);
        Assert.False(buffer.TryGetSingleSegment(out span));
        Assert.True(span.IsEmpty);
    }

    [Fact]
    public void A_first_write_larger_than_the_initial_segment_is_still_one_segment()
    {
        using var buffer = new WireBuffer(16);
        buffer.GetSpan(1000)[..1000].Fill(3);
        buffer.Advance(1000);
        Assert.Equal(1, buffer.SegmentCount);
        Assert.True(buffer.TryGetSingleSegment(out ReadOnlySpan<byte> span));
        Assert.Equal(1000, span.Length);
    }

    [Fact]
    public void An_object_length_slot_is_patched_when_its_segment_was_already_flushed()
    {
        using var buffer = new WireBuffer(16);
        var writer = new WireWriter(buffer, TupleWire);
        writer.WriteRaw(new byte[13]);
        WireObjectScope scope = writer.BeginObject(1);
        writer.WriteBytes(new byte[5000]);
        writer.EndObject(scope);
        writer.Flush();
        Assert.True(buffer.SegmentCount > 2);

        byte[] all = buffer.ToArray();
        int length = BinaryPrimitives.ReadInt32LittleEndian(all.AsSpan(13));
        Assert.Equal(all.Length - 13 - 4, length);
    }

    [Fact]
    public void Dispose_twice_is_harmless()
    {
        var buffer = new WireBuffer(16);
        buffer.GetSpan(5000);
        buffer.Advance(5000);
        buffer.Dispose();
        buffer.Dispose();
        Assert.Equal(0, buffer.WrittenCount);
    }
}
