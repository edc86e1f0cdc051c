using Partisan.Serialization;

namespace Partisan.Fuzz;

// A user message with a hand-written formatter of the shape the generator emits (an object with a length and a
// member count, a nested message inline, enums, nullables, collections, an object member; a reader that knows fewer
// members skips the rest), so the fuzzer reaches user formatters too. Hand-written, not generated: a generated
// module initializer would run instrumented runtime code before SharpFuzz has set up its trace memory.

public enum Priority : byte
{
    Low,
    High,
}

public sealed record Line(string Sku, int Quantity, decimal Price);

public sealed record Order(Guid Id, string? Customer, List<Line> Lines, Dictionary<string, int> Counts, Priority? Priority, object? Note, Pid Owner);

internal sealed class OrderFormatter : WireFormatter<Order>
{
    public const uint TypeId = 4242;

    public override void Write(ref WireWriter writer, Order value)
    {
        WireObjectScope scope = writer.BeginObject(7);
        writer.Write(value.Id);
        writer.WriteString(value.Customer);
        writer.WriteVarUInt32((uint)value.Lines.Count + 1);
        foreach (Line line in value.Lines)
        {
            WireObjectScope inner = writer.BeginObject(3);
            writer.WriteString(line.Sku);
            writer.WriteVarInt32(line.Quantity);
            writer.WriteDecimal(line.Price);
            writer.EndObject(inner);
        }

        writer.Write(value.Counts);
        writer.Write(value.Priority);
        writer.WriteObject(value.Note);
        writer.Write(value.Owner);
        writer.EndObject(scope);
    }

    public override Order Read(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        if (members < 7)
        {
            throw new WireFormatException($"An order has {members} members; 7 are required.");
        }

        Guid id = reader.Read<Guid>();
        string? customer = reader.ReadString();
        int count = reader.ReadLengthPrefix("order lines", 6);
        var lines = new List<Line>(Math.Min(Math.Max(count, 0), 256));
        for (int i = 0; i < count; i++)
        {
            WireObjectScope inner = reader.BeginObject(out int lineMembers);
            if (lineMembers < 3)
            {
                throw new WireFormatException($"An order line has {lineMembers} members; 3 are required.");
            }

            lines.Add(new Line(reader.ReadString() ?? throw new WireFormatException("An order line has no SKU."), reader.ReadVarInt32(), reader.ReadDecimal()));
            reader.EndObject(inner);
        }

        Dictionary<string, int> counts = reader.Read<Dictionary<string, int>?>() ?? throw new WireFormatException("An order has no counts.");
        Priority? priority = reader.Read<Priority?>();
        object? note = reader.ReadObject();
        Pid owner = reader.Read<Pid>();
        reader.EndObject(scope);
        return new Order(id, customer, count < 0 ? throw new WireFormatException("An order has no lines.") : lines, counts, priority, note, owner);
    }
}

/// <summary>The user message above, registered the way a node's registry holds user messages.</summary>
internal static class UserMessages
{
    /// <summary>A target whose registry holds the runtime's messages and the user message.</summary>
    public static FrameDecoderTarget NewTarget()
    {
        var registry = new TypeRegistry();
        registry.Register(new OrderFormatter(), OrderFormatter.TypeId);
        return new FrameDecoderTarget(registry);
    }

    public static IReadOnlyList<object> Samples { get; } =
    [
        new Order(
            Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
            "ada",
            [new Line("A-1", 2, 9.99m), new Line("B-7", 1, 120m)],
            new Dictionary<string, int> { ["x"] = 1, ["y"] = 2 },
            Priority.High,
            new List<long> { 1, 2, 3 },
            new Pid(FrameDecoderTarget.Peer, 3)),
        new Order(Guid.Empty, null, [], [], null, null, new Pid(FrameDecoderTarget.Peer, 4)),
    ];
}
