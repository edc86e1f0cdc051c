using Partisan.Serialization;

namespace Partisan.Tests.Serialization;

/// <summary>
/// A collection sent as an <c>object</c> carries a type descriptor (<c>List&lt;int&gt;</c> is <c>101 6</c>). Writing and
/// reading that descriptor must not allocate once the collection type has been seen: it is cached per type on write and
/// per descriptor on read. Allocations are measured with the thread's allocation counter, best of several rounds, so
/// work on other threads (tests run in parallel) cannot disturb them. The read cache is bounded against a peer that
/// sends ever new descriptors, and the write cache follows registrations.
/// </summary>
public class DescriptorCacheTests
{
    private const int Operations = 1_000;
    private const int Rounds = 5;

    /// <summary>At most this many bytes per operation may be allocated by the descriptor (a round-off allowance; it is 0).</summary>
    private const double Allowance = 8;

    public static TheoryData<string> Collections => new() { "List<int>", "int[]", "Dictionary<string,int>", "List<List<long>>", "HashSet<string>" };

    private static object Sample(string name) => name switch
    {
        "List<int>" => new List<int> { 1, 2, 3, 4 },
        "int[]" => new[] { 1, 2, 3, 4 },
        "Dictionary<string,int>" => new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 },
        "List<List<long>>" => new List<List<long>> { new() { 1L }, new() { 2L, 3L } },
        "HashSet<string>" => new HashSet<string> { "x", "y" },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Collections))]
    public void Writing_a_collection_as_an_object_allocates_nothing_for_its_descriptor(string name)
    {
        object value = Sample(name);
        using var buffer = new WireBuffer();
        WireContext context = WireContext.Default;

        double perOperation = BestBytesPerOperation(() =>
        {
            for (int i = 0; i < Operations; i++)
            {
                buffer.Reset();
                var writer = new WireWriter(buffer, context);
                writer.WriteObject(value);
                writer.Flush();
            }
        });

        Assert.True(perOperation < Allowance, $"Writing {name} as an object allocated {perOperation:F1} bytes per message.");
    }

    [Theory]
    [MemberData(nameof(Collections))]
    public void Reading_a_collection_as_an_object_allocates_only_what_reading_it_typed_does(string name)
    {
        object value = Sample(name);
        WireContext context = WireContext.Default;
        byte[] asObject = Encode(context, (ref WireWriter w) => w.WriteObject(value));
        IWireFormatter formatter = context.Registry.GetFormatter(value.GetType());
        byte[] typed = Encode(context, (ref WireWriter w) => formatter.WriteObject(ref w, value));
        Assert.True(asObject.Length > typed.Length); // the object form is the descriptor, then the same bytes

        double objectBytes = BestBytesPerOperation(() =>
        {
            for (int i = 0; i < Operations; i++)
            {
                var reader = new WireReader(asObject, context);
                GC.KeepAlive(reader.ReadObject());
            }
        });
        double typedBytes = BestBytesPerOperation(() =>
        {
            for (int i = 0; i < Operations; i++)
            {
                var reader = new WireReader(typed, context);
                GC.KeepAlive(formatter.ReadObject(ref reader));
            }
        });

        Assert.True(
            objectBytes - typedBytes < Allowance,
            $"Reading {name} as an object allocated {objectBytes:F1} bytes per message; typed, {typedBytes:F1}.");
    }

    [Fact]
    public void Descriptors_from_the_wire_build_a_bounded_number_of_collection_types()
    {
        var context = new WireContext(new TypeRegistry());
        byte[] ctors = [(byte)WireTypeIds.ArrayOf, (byte)WireTypeIds.ListOf, (byte)WireTypeIds.HashSetOf];
        byte[] elements = [(byte)WireTypeIds.Int32, (byte)WireTypeIds.Int64, (byte)WireTypeIds.String, (byte)WireTypeIds.Bool];
        int accepted = 0;
        WireFormatException? refused = null;

        // Every chain of 1 to 6 constructors over 4 element types: 4 * (3 + 9 + ... + 729) = 4368 distinct levels.
        foreach (byte[] descriptor in Chains(ctors, elements, 6))
        {
            byte[] message = [.. descriptor, 0]; // then a null collection
            try
            {
                var reader = new WireReader(message, context);
                Assert.Null(reader.ReadObject());
                accepted++;
            }
            catch (WireFormatException ex)
            {
                refused = ex;
                break;
            }
        }

        Assert.NotNull(refused);
        Assert.Contains("distinct collection types", refused.Message, StringComparison.Ordinal);
        Assert.InRange(accepted, TypeRegistry.MaxCollectionTypesFromWire / 6, TypeRegistry.MaxCollectionTypesFromWire);

        // Descriptors already seen still decode, and values too.
        byte[] known = Encode(context, (ref WireWriter w) => w.WriteObject(new List<int> { 7 }));
        var again = new WireReader(known, context);
        Assert.Equal(new List<int> { 7 }, again.ReadObject());
    }

    [Fact]
    public void A_registration_after_a_descriptor_was_cached_changes_what_is_written()
    {
        var registry = new TypeRegistry();
        var context = new WireContext(registry);
        var value = new List<List<int>> { new() { 1 } };
        byte[] before = Encode(context, (ref WireWriter w) => w.WriteObject(value));
        Assert.Equal(new byte[] { (byte)WireTypeIds.ListOf, (byte)WireTypeIds.ListOf, (byte)WireTypeIds.Int32 }, before[..3]);

        registry.Register(new ListOfIntFormatter(), 5000); // List<int> now has an id of its own
        byte[] after = Encode(context, (ref WireWriter w) => w.WriteObject(value));

        var reader = new WireReader(after, context);
        Assert.Equal(WireTypeIds.ListOf, reader.ReadVarUInt32());
        Assert.Equal(5000u, reader.ReadVarUInt32());
        var back = Assert.IsType<List<List<int>>>(new WireReader(after, context).ReadObject());
        Assert.Equal(value[0], back[0]);
    }

    private sealed class ListOfIntFormatter : WireFormatter<List<int>>
    {
        public override void Write(ref WireWriter writer, List<int> value)
        {
            writer.WriteVarUInt32((uint)value.Count);
            foreach (int item in value)
            {
                writer.WriteVarInt32(item);
            }
        }

        public override List<int> Read(ref WireReader reader)
        {
            int count = reader.ReadCount("list");
            var result = new List<int>(count);
            for (int i = 0; i < count; i++)
            {
                result.Add(reader.ReadVarInt32());
            }

            return result;
        }
    }

    /// <summary>Every descriptor of 1 to <paramref name="maxLength"/> constructors followed by one element id, shortest first.</summary>
    private static IEnumerable<byte[]> Chains(byte[] ctors, byte[] elements, int maxLength)
    {
        var level = new List<byte[]> { Array.Empty<byte>() };
        for (int length = 1; length <= maxLength; length++)
        {
            var next = new List<byte[]>();
            foreach (byte[] prefix in level)
            {
                foreach (byte ctor in ctors)
                {
                    next.Add([.. prefix, ctor]);
                }
            }

            foreach (byte[] chain in next)
            {
                foreach (byte element in elements)
                {
                    yield return [.. chain, element];
                }
            }

            level = next;
        }
    }

    private delegate void Write(ref WireWriter writer);

    private static byte[] Encode(WireContext context, Write write)
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, context);
        write(ref writer);
        writer.Flush();
        return buffer.ToArray();
    }

    /// <summary>Runs <paramref name="batch"/> once to warm up, then <see cref="Rounds"/> times; the fewest bytes it allocated on this thread, per operation.</summary>
    private static double BestBytesPerOperation(Action batch)
    {
        batch();
        long best = long.MaxValue;
        for (int round = 0; round < Rounds; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            batch();
            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return (double)best / Operations;
    }
}
