using System.Buffers.Binary;

namespace Partisan.Fuzz;

/// <summary>
/// Makes fuzz inputs from valid frames: a few frames in a row, bodies mutated (bit flips, interesting bytes, huge
/// varints and length slots, truncation, insertion, deletion, repetition, splices) and then either re-framed (so the
/// decoders behind the frame cutter see the damage) or cut as they are; or plain random bytes. Deterministic for a
/// given <see cref="Random"/>. An input starts with the segmentation byte <see cref="FrameDecoderTarget.Run(ReadOnlyMemory{byte})"/> reads.
/// </summary>
internal sealed class FrameMutator
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x0A, 0x0B, 0x0F, 0x10, 0x64, 0x65, 0x66, 0x67, 0x68, 0x23];

    // Varints that decode to huge counts and lengths: 2^31 (count + 1 of 2^31 - 1 items), 2^32 - 1, 2^28, 64 Mi + 1.
    private static readonly byte[][] HugeVarints =
    [
        [0x80, 0x80, 0x80, 0x80, 0x08],
        [0xFF, 0xFF, 0xFF, 0xFF, 0x0F],
        [0x80, 0x80, 0x80, 0x80, 0x01],
        [0x81, 0x80, 0x80, 0x20],
        [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
    ];

    private readonly IReadOnlyList<byte[]> _seeds;
    private readonly Random _random;

    public FrameMutator(IReadOnlyList<byte[]> seeds, Random random)
    {
        if (seeds.Count == 0)
        {
            throw new ArgumentException("At least one seed frame is needed.", nameof(seeds));
        }

        _seeds = seeds;
        _random = random;
    }

    /// <summary>The next input: the segmentation byte, then the bytes a connection would receive.</summary>
    public byte[] Next()
    {
        byte split = _random.Next(4) == 0 ? (byte)_random.Next(1, 17) : (byte)0;
        byte[] stream = _random.Next(20) == 0 ? RandomBytes() : MutatedFrames();
        var input = new byte[stream.Length + 1];
        input[0] = split;
        stream.CopyTo(input, 1);
        return input;
    }

    private byte[] RandomBytes()
    {
        var bytes = new byte[_random.Next(0, 256)];
        _random.NextBytes(bytes);
        if (bytes.Length >= 5 && _random.Next(2) == 0)
        {
            // A plausible frame header, so random bodies get past the cutter.
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)(bytes.Length - 4));
            bytes[4] = (byte)_random.Next(9, 16);
        }

        return bytes;
    }

    private byte[] MutatedFrames()
    {
        var stream = new List<byte>();
        int count = _random.Next(3) == 0 ? _random.Next(2, 5) : 1;
        for (int i = 0; i < count; i++)
        {
            byte[] frame = _seeds[_random.Next(_seeds.Count)];
            bool reframe = _random.Next(10) < 7;
            byte[] bytes = reframe ? frame[4..] : (byte[])frame.Clone();
            int mutations = i == 0 || _random.Next(2) == 0 ? 1 + _random.Next(4) : 0;
            for (int m = 0; m < mutations; m++)
            {
                bytes = Mutate(bytes);
            }

            if (!reframe && bytes.Length >= 4 && _random.Next(8) == 0)
            {
                // The frame header itself: empty, just within and just above MaxFrameSize, or absurd.
                uint[] lengths = [0, 64 * 1024 * 1024, (64 * 1024 * 1024) + 1, 0x7FFF_FFFF, 0xFFFF_FFFF];
                BinaryPrimitives.WriteUInt32BigEndian(bytes, lengths[_random.Next(lengths.Length)]);
            }

            if (reframe)
            {
                var header = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(header, (uint)bytes.Length);
                stream.AddRange(header);
            }

            stream.AddRange(bytes);
        }

        return stream.ToArray();
    }

    /// <summary>One mutation of <paramref name="bytes"/>.</summary>
    public byte[] Mutate(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return [(byte)_random.Next(256)];
        }

        int at = _random.Next(bytes.Length);
        switch (_random.Next(12))
        {
            case 0: // flip a bit
                bytes[at] ^= (byte)(1 << _random.Next(8));
                return bytes;
            case 1: // an interesting byte
                bytes[at] = Interesting[_random.Next(Interesting.Length)];
                return bytes;
            case 2: // a random byte
                bytes[at] = (byte)_random.Next(256);
                return bytes;
            case 3: // truncate
                return bytes[..at];
            case 4: // a huge varint over what is there (a count, a length, a type id)
                return Overwrite(bytes, at, HugeVarints[_random.Next(HugeVarints.Length)]);
            case 5: // a huge fixed-size length (an object's i32 length slot, a frame header)
                return Overwrite(bytes, at, _random.Next(2) == 0 ? [0xFF, 0xFF, 0xFF, 0x7F] : [0x00, 0x00, 0x00, 0x04]);
            case 6: // insert random bytes
            {
                var extra = new byte[1 + _random.Next(8)];
                _random.NextBytes(extra);
                return [.. bytes[..at], .. extra, .. bytes[at..]];
            }

            case 7: // delete a range
                return [.. bytes[..at], .. bytes[Math.Min(bytes.Length, at + 1 + _random.Next(8))..]];
            case 8: // repeat a range
            {
                int length = 1 + _random.Next(Math.Min(32, bytes.Length - at));
                int times = 1 + _random.Next(_random.Next(2) == 0 ? 4 : 64);
                var repeated = new List<byte>(bytes.Length + (length * times));
                repeated.AddRange(bytes[..(at + length)]);
                for (int i = 0; i < times; i++)
                {
                    repeated.AddRange(bytes[at..(at + length)]);
                }

                repeated.AddRange(bytes[(at + length)..]);
                return repeated.ToArray();
            }

            case 9: // splice in part of another frame
            {
                byte[] other = _seeds[_random.Next(_seeds.Count)];
                int from = _random.Next(other.Length);
                int length = 1 + _random.Next(other.Length - from);
                return [.. bytes[..at], .. other.AsSpan(from, length), .. bytes[Math.Min(bytes.Length, at + length)..]];
            }

            case 10: // add or subtract a little (off-by-one lengths and ids)
                bytes[at] = (byte)(bytes[at] + _random.Next(-3, 4));
                return bytes;
            default: // swap two bytes
            {
                int other = _random.Next(bytes.Length);
                (bytes[at], bytes[other]) = (bytes[other], bytes[at]);
                return bytes;
            }
        }
    }

    private static byte[] Overwrite(byte[] bytes, int at, ReadOnlySpan<byte> value)
    {
        byte[] result = bytes.Length >= at + value.Length ? bytes : [.. bytes, .. new byte[at + value.Length - bytes.Length]];
        value.CopyTo(result.AsSpan(at));
        return result;
    }
}
