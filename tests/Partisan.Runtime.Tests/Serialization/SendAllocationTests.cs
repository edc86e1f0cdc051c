using Partisan.Serialization;

namespace Partisan.Tests.Serialization;

/// <summary>
/// Serializing a warmed-up message allocates nothing, whatever its shape (issue 15): records, strings, byte payloads,
/// identity types and every collection sent as an object (its descriptor is cached), also when several registries are
/// used in turn, as several nodes in one process do. Counted with the thread's allocation counter, so deterministic:
/// best of a few rounds only to step over a tiered-JIT recompilation that may allocate on the thread once.
/// </summary>
public class SendAllocationTests
{
    private const int Messages = 1_000;
    private const int Rounds = 3;

    public static TheoryData<string> Shapes => new()
    {
        "int", "string", "bytes64k", "pid", "exit reason", "List<int>", "List<string>", "int[]", "double[]", "List<double>",
        "Guid[]", "Dictionary<string,int>", "HashSet<long>", "List<List<long>>", "Dictionary<string,List<Pid>>", "object[]",
        "int?[]", "List<ExitReason>",
    };

    private static object Sample(string shape)
    {
        var node = NodeName.Parse("alloc@host");
        return shape switch
        {
            "int" => 42,
            "string" => "a string of some length, é",
            "bytes64k" => new byte[64 * 1024],
            "pid" => new Pid(node, 7),
            "exit reason" => new ExitReason("shutdown", "because"),
            "List<int>" => new List<int> { 1, 2, 300, -4 },
            "List<string>" => new List<string> { "a", "bb", "ccc" },
            "int[]" => new[] { 1, 2, 3 },
            "double[]" => new[] { 1.5, 2.5, double.NaN },
            "List<double>" => new List<double> { 1.5, -0.0 },
            "Guid[]" => new[] { Guid.NewGuid(), Guid.Empty },
            "Dictionary<string,int>" => new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 },
            "HashSet<long>" => new HashSet<long> { 1, 2, 3 },
            "List<List<long>>" => new List<List<long>> { new() { 1 }, new() { 2, 3 } },
            "Dictionary<string,List<Pid>>" => new Dictionary<string, List<Pid>> { ["x"] = [new Pid(node, 1)] },
            "object[]" => new object[] { 1, "two", new List<int> { 3 } },
            "int?[]" => new int?[] { 1, null },
            "List<ExitReason>" => new List<ExitReason> { ExitReason.Normal, new("boom", null) },
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Serializing_a_warm_message_allocates_nothing(string shape)
    {
        object message = Sample(shape);
        using var buffer = new WireBuffer(128 * 1024);
        WireContext context = WireContext.Default;

        long best = BestAllocated(() =>
        {
            for (int i = 0; i < Messages; i++)
            {
                buffer.Reset();
                var writer = new WireWriter(buffer, context);
                writer.WriteObject(message);
                writer.Flush();
            }
        });

        Assert.True(best == 0, $"Serializing {shape} allocated {best} bytes over {Messages} messages.");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Registries_used_in_turn_do_not_evict_each_others_formatters(string shape)
    {
        object message = Sample(shape);
        using var buffer = new WireBuffer(128 * 1024);
        WireContext[] contexts = [WireContext.Default, new WireContext(new TypeRegistry()), new WireContext(new TypeRegistry())];

        long best = BestAllocated(() =>
        {
            for (int i = 0; i < Messages; i++)
            {
                buffer.Reset();
                var writer = new WireWriter(buffer, contexts[i % contexts.Length]);
                writer.WriteObject(message);
                writer.Flush();
            }
        });

        // A registry past the first few created in the process looks formatters up instead of caching them: slower,
        // and still allocation-free, so this holds whatever order the tests run in.
        Assert.True(best == 0, $"Serializing {shape} with three registries in turn allocated {best} bytes over {Messages} messages.");
    }

    /// <summary>Runs <paramref name="batch"/> once to warm up, then <see cref="Rounds"/> times; the fewest bytes one run allocated on this thread.</summary>
    private static long BestAllocated(Action batch)
    {
        batch();
        long best = long.MaxValue;
        for (int round = 0; round < Rounds; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            batch();
            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return best;
    }
}
