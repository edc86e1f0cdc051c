using System.Buffers;
using Partisan.Generated.Tests.Shop;
using Partisan.Serialization;

namespace Partisan.Generated.Tests;

/// <summary>
/// Generated formatters allocate nothing to serialize a warmed-up message (issue 15), including messages whose members
/// are collections, nested messages, enums in collections and boxed values, and bare collections of messages sent as
/// an object; and the bytes read back whole from one block and from many small segments. Counted with the thread's
/// allocation counter (deterministic), best of a few rounds to step over a one-off tiered-JIT recompilation.
/// </summary>
public class SendAllocationTests
{
    private const int Messages = 1_000;

    public static TheoryData<string> Shapes => new() { "Ping", "Customer", "Order", "Profile", "List<Address>", "Address[]", "Dictionary<string,Money>" };

    private static object Sample(string shape) => shape switch
    {
        "Ping" => new Ping(1, new Pid(NodeName.Parse("p@host"), 3)),
        "Customer" => Samples.Customer(),
        "Order" => Samples.Order(),
        "Profile" => new Profile { Name = "Ada", Age = 36, Tags = ["x", "y"] },
        "List<Address>" => new List<Address> { new("a", "b"), new("c", "d") },
        "Address[]" => new[] { new Address("a", "b") },
        "Dictionary<string,Money>" => new Dictionary<string, Money> { ["eur"] = new(5, "EUR") },
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Serializing_a_warm_generated_message_allocates_nothing(string shape)
    {
        object message = Sample(shape);
        using var buffer = new WireBuffer(4096);
        WireContext context = WireContext.Default;

        void Batch()
        {
            for (int i = 0; i < Messages; i++)
            {
                buffer.Reset();
                var writer = new WireWriter(buffer, context);
                writer.WriteObject(message);
                writer.Flush();
            }
        }

        Batch();
        long best = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Batch();
            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(best == 0, $"Serializing {shape} allocated {best} bytes over {Messages} messages.");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_generated_message_reads_the_same_from_one_block_and_from_small_segments(string shape)
    {
        object message = Sample(shape);
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, WireContext.Default);
        writer.WriteObject(message);
        writer.Flush();
        byte[] bytes = buffer.ToArray();

        var whole = new WireReader(bytes, WireContext.Default);
        object? fromBlock = whole.ReadObject();
        Assert.True(whole.End);

        var split = new WireReader(Segments(bytes, 3), WireContext.Default);
        object? fromSegments = split.ReadObject();
        Assert.True(split.End);

        Assert.Equal(Describe(message), Describe(fromBlock));
        Assert.Equal(Describe(message), Describe(fromSegments));
    }

    /// <summary>A comparable text of a sample: records print their members, collections their elements.</summary>
    private static string Describe(object? value) => value switch
    {
        Order order => $"{order.Id} {order.Customer} {string.Join(",", order.Shipments)} {string.Join(",", order.Counts)} {string.Join(",", order.Codes)} {string.Join(",", order.Colors)} {order.Main} {order.Accent} {order.Owner} {order.Token} {order.At:O} {order.Took} {order.Payload} {Convert.ToHexString(order.Blob ?? [])} {order.Note}",
        Profile p => $"{p.Name} {p.Age} {string.Join(",", p.Tags)}",
        System.Collections.IDictionary d => string.Join(",", d.Keys.Cast<object>().Select(k => $"{k}={d[k]}")),
        System.Collections.IEnumerable e and not string => string.Join(",", e.Cast<object>()),
        _ => value?.ToString() ?? "null",
    };

    private static ReadOnlySequence<byte> Segments(byte[] bytes, int size)
    {
        Chunk? first = null;
        Chunk? last = null;
        for (int offset = 0; offset < bytes.Length; offset += size)
        {
            var chunk = new Chunk(bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset)), offset);
            if (last is null)
            {
                first = chunk;
            }
            else
            {
                last.SetNext(chunk);
            }

            last = chunk;
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Chunk : ReadOnlySequenceSegment<byte>
    {
        public Chunk(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Chunk next) => Next = next;
    }
}
