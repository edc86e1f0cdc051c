using Partisan;
using Partisan.Serialization;

namespace Partisan.Benchmarks;

/// <summary>A small record-like application message (what a generated formatter would write by hand).</summary>
public sealed record Order(long Id, string Symbol, int Quantity, double Price, Pid Owner);

/// <summary>Hand-written formatter for <see cref="Order"/>: members in order, no type ids inside.</summary>
public sealed class OrderFormatter : WireFormatter<Order>
{
    public override void Write(ref WireWriter writer, Order value)
    {
        writer.WriteVarInt64(value.Id);
        writer.WriteString(value.Symbol);
        writer.WriteVarInt32(value.Quantity);
        writer.WriteDouble(value.Price);
        writer.Write(value.Owner);
    }

    public override Order Read(ref WireReader reader) =>
        new(reader.ReadVarInt64(), reader.ReadString() ?? "", reader.ReadVarInt32(), reader.ReadDouble(), reader.Read<Pid>());
}

/// <summary>One registry and the sample messages every benchmark class shares.</summary>
public static class Samples
{
    public const uint OrderTypeId = 1_000_101;

    public static readonly NodeName Node = NodeName.Parse("bench@127.0.0.1");

    public static TypeRegistry CreateRegistry()
    {
        var registry = new TypeRegistry();
        registry.Register(new OrderFormatter(), OrderTypeId);
        return registry;
    }

    public static Order Order() => new(123_456_789, "PARTISAN", 42, 17.25, new Pid(Node, 4711));

    public static List<string> Strings() => Enumerable.Range(0, 16).Select(i => "item-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();

    public static Dictionary<string, int> Map() => Enumerable.Range(0, 16).ToDictionary(i => "key-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => i * 1000);

    public static object Message(string kind) => kind switch
    {
        "order" => Order(),
        "bytes64" => new byte[64],
        "bytes1k" => new byte[1024],
        "bytes64k" => new byte[65536],
        "list16" => Strings(),
        "dict16" => Map(),
        _ => throw new ArgumentException("Unknown sample " + kind, nameof(kind)),
    };
}
