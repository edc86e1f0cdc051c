using System.Buffers;
using System.Collections;
using FsCheck;
using FsCheck.Fluent;
using Partisan.Serialization;

namespace Partisan.Tests.Serialization;

/// <summary>Encode/decode helpers shared by the codec tests.</summary>
internal static class WireTestKit
{
    public static readonly WireContext TupleWire = new(TypeRegistry.Default, RemoteRefFormat.Tuple);
    public static readonly WireContext UriWire = new(TypeRegistry.Default, RemoteRefFormat.Uri);
    public static readonly WireContext PaddedUriWire = new(TypeRegistry.Default, RemoteRefFormat.Uri, remoteRefUriPadding: true);

    /// <summary>The three ways to write references; every reference test runs under each.</summary>
    public static readonly WireContext[] AllRefFormats = [TupleWire, UriWire, PaddedUriWire];

    /// <summary>Runs <paramref name="test"/> on <paramref name="maxTest"/> values of <paramref name="arb"/>, throwing on failure.</summary>
    public static void Check<T>(Arbitrary<T> arb, Action<T> test, int maxTest = 100) =>
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest), Prop.ForAll(arb, test));

    /// <summary>Runs <paramref name="test"/> on <paramref name="maxTest"/> values of <paramref name="gen"/>, throwing on failure.</summary>
    public static void Check<T>(Gen<T> gen, Action<T> test, int maxTest = 100) => Check(gen.ToArbitrary(), test, maxTest);

    public static byte[] Encode<T>(T value, WireContext? context = null, int initialSize = 512)
    {
        using var buffer = new WireBuffer(initialSize);
        var writer = new WireWriter(buffer, context ?? TupleWire);
        writer.Write(value);
        writer.Flush();
        return buffer.ToArray();
    }

    public static byte[] EncodeObject(object? value, WireContext? context = null, int initialSize = 512)
    {
        using var buffer = new WireBuffer(initialSize);
        var writer = new WireWriter(buffer, context ?? TupleWire);
        writer.WriteObject(value);
        writer.Flush();
        return buffer.ToArray();
    }

    public static T Decode<T>(ReadOnlySequence<byte> data, WireContext? context = null)
    {
        var reader = new WireReader(data, context ?? TupleWire);
        T value = reader.Read<T>();
        Assert.True(reader.End, $"{reader.Remaining} bytes left unread after {typeof(T).Name}.");
        return value;
    }

    public static T Decode<T>(byte[] data, WireContext? context = null) => Decode<T>(new ReadOnlySequence<byte>(data), context);

    public static object? DecodeObject(ReadOnlySequence<byte> data, WireContext? context = null)
    {
        var reader = new WireReader(data, context ?? TupleWire);
        object? value = reader.ReadObject();
        Assert.True(reader.End, $"{reader.Remaining} bytes left unread after an object.");
        return value;
    }

    public static object? DecodeObject(byte[] data, WireContext? context = null) => DecodeObject(new ReadOnlySequence<byte>(data), context);

    /// <summary>
    /// Round-trips <paramref name="value"/> every way the codec can see it: typed, from one contiguous block
    /// and from a sequence cut into small segments, written into a tiny (many-segment) buffer, and
    /// polymorphically when the type can be sent. Returns the typed decoding of the contiguous bytes.
    /// </summary>
    public static T RoundTrip<T>(T value, WireContext? writeContext = null, WireContext? readContext = null, bool polymorphic = true)
    {
        WireContext write = writeContext ?? TupleWire;
        WireContext read = readContext ?? write;
        byte[] bytes = Encode(value, write);

        T back = Decode<T>(bytes, read);
        AssertSame(value, back);
        AssertSame(value, Decode<T>(Fragment(bytes, 3), read));

        using (var small = new WireBuffer(16))
        {
            var writer = new WireWriter(small, write);
            writer.Write(value);
            writer.Flush();
            Assert.Equal(bytes, small.ToArray());
            AssertSame(value, Decode<T>(AsSequence(small), read));
        }

        if (polymorphic && value is not null && write.Registry.CanSend(value.GetType()))
        {
            object? boxed = DecodeObject(EncodeObject(value, write), read);
            Assert.NotNull(boxed);
            Assert.Equal(value.GetType(), boxed.GetType());
            AssertSame(value, boxed);
        }

        return back;
    }

    /// <summary>The bytes in <paramref name="buffer"/> as a multi-segment sequence, one segment per buffer segment.</summary>
    public static ReadOnlySequence<byte> AsSequence(WireBuffer buffer)
    {
        var memories = new List<ReadOnlyMemory<byte>>();
        for (int i = 0; i < buffer.SegmentCount; i++)
        {
            memories.Add(buffer.GetSegment(i));
        }

        return Chain(memories);
    }

    /// <summary>Cuts <paramref name="bytes"/> into segments of at most <paramref name="maxSegment"/> bytes (sizes vary).</summary>
    public static ReadOnlySequence<byte> Fragment(byte[] bytes, int maxSegment)
    {
        var memories = new List<ReadOnlyMemory<byte>>();
        int offset = 0;
        int size = 1;
        while (offset < bytes.Length)
        {
            int n = Math.Min(size, bytes.Length - offset);
            memories.Add(bytes.AsMemory(offset, n));
            offset += n;
            size = size % maxSegment + 1;
        }

        return Chain(memories);
    }

    public static ReadOnlySequence<byte> Chain(IReadOnlyList<ReadOnlyMemory<byte>> memories)
    {
        if (memories.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(memories[0], 0);
        Segment last = first;
        for (int i = 1; i < memories.Count; i++)
        {
            last = last.Append(memories[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    /// <summary>Asserts two decoded values are the same: bitwise for floats, exact for decimals and dates, deep for collections.</summary>
    public static void AssertSame(object? expected, object? actual)
    {
        string? difference = Difference(expected, actual, "value");
        if (difference is not null)
        {
            Assert.Fail(difference);
        }
    }

    private static string? Difference(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            return expected is null && actual is null ? null : $"{path}: expected {Show(expected)}, got {Show(actual)}.";
        }

        switch (expected)
        {
            case double d when actual is double a:
                return BitConverter.DoubleToInt64Bits(d) == BitConverter.DoubleToInt64Bits(a) ? null : $"{path}: expected bits of {d:R}, got {a:R}.";
            case float f when actual is float a:
                return BitConverter.SingleToInt32Bits(f) == BitConverter.SingleToInt32Bits(a) ? null : $"{path}: expected bits of {f:R}, got {a:R}.";
            case decimal m when actual is decimal a:
                return decimal.GetBits(m).SequenceEqual(decimal.GetBits(a)) ? null : $"{path}: expected {m} (exact bits), got {a}.";
            case DateTime t when actual is DateTime a:
                return t.Ticks == a.Ticks && t.Kind == a.Kind ? null : $"{path}: expected {t:O} ({t.Kind}), got {a:O} ({a.Kind}).";
            case DateTimeOffset t when actual is DateTimeOffset a:
                return t.Ticks == a.Ticks && t.Offset == a.Offset ? null : $"{path}: expected {t:O}, got {a:O}.";
            case ReadOnlyMemory<byte> m when actual is ReadOnlyMemory<byte> a:
                return m.Span.SequenceEqual(a.Span) ? null : $"{path}: byte memories differ.";
            case byte[] b when actual is byte[] a:
                return b.AsSpan().SequenceEqual(a) ? null : $"{path}: byte arrays differ (lengths {b.Length} and {a.Length}).";
            case string s when actual is string a:
                return string.Equals(s, a, StringComparison.Ordinal) ? null : $"{path}: strings differ (lengths {s.Length} and {a.Length}).";
        }

        if (expected.GetType() != actual.GetType())
        {
            return $"{path}: expected a {expected.GetType()}, got a {actual.GetType()}.";
        }

        if (expected is IDictionary ed && actual is IDictionary ad)
        {
            if (ed.Count != ad.Count)
            {
                return $"{path}: dictionary counts {ed.Count} and {ad.Count}.";
            }

            foreach (DictionaryEntry entry in ed)
            {
                if (!ad.Contains(entry.Key))
                {
                    return $"{path}: key {Show(entry.Key)} missing.";
                }

                string? d = Difference(entry.Value, ad[entry.Key], $"{path}[{Show(entry.Key)}]");
                if (d is not null)
                {
                    return d;
                }
            }

            return null;
        }

        if (IsSet(expected))
        {
            // Sets use their own comparer; compare by membership both ways.
            bool equal = (bool)expected.GetType().GetMethod("SetEquals")!.Invoke(expected, [actual])!;
            return equal ? null : $"{path}: sets differ.";
        }

        if (expected is IList el && actual is IList al)
        {
            if (el.Count != al.Count)
            {
                return $"{path}: counts {el.Count} and {al.Count}.";
            }

            for (int i = 0; i < el.Count; i++)
            {
                string? d = Difference(el[i], al[i], $"{path}[{i}]");
                if (d is not null)
                {
                    return d;
                }
            }

            return null;
        }

        return expected.Equals(actual) ? null : $"{path}: expected {Show(expected)}, got {Show(actual)}.";
    }

    private static bool IsSet(object value) =>
        value.GetType().IsGenericType && value.GetType().GetGenericTypeDefinition() == typeof(HashSet<>);

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => s.Length > 40 ? $"\"{s[..40]}…\" ({s.Length} chars)" : $"\"{s}\"",
        _ => value.ToString() ?? value.GetType().Name,
    };
}
