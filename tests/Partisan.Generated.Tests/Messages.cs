namespace Partisan.Generated.Tests.Shop;

public enum Color : byte
{
    Red,
    Green,
    Blue,
}

[PartisanMessage]
public sealed record Address(string City, string Street);

[PartisanMessage]
public readonly record struct Money(long Cents, string Currency);

[PartisanMessage]
public sealed record Customer(string Name, Address Home, Address? Work, Money Balance, Money? Credit);

[PartisanMessage(TypeId = 5000)]
public sealed record Ping(long Seq, Pid ReplyTo);

[PartisanMessage]
public sealed record Pong(long Seq, NodeName From);

[PartisanMessage]
public sealed record Order(
    Guid Id,
    Customer Customer,
    List<Address> Shipments,
    Dictionary<string, int> Counts,
    int[] Codes,
    HashSet<Color> Colors,
    Color Main,
    Color? Accent,
    int? MaybeCount,
    Pid Owner,
    Ref Token,
    DateTime At,
    TimeSpan Took,
    object? Payload,
    byte[]? Blob,
    string? Note);

[PartisanMessage]
public sealed class Profile
{
    public required string Name { get; init; }

    public int Age { get; set; }

    public List<string> Tags { get; set; } = new();

    public string Display => $"{Name} ({Age})";

    [PartisanIgnore]
    public int LocalCounter { get; set; }
}

[PartisanMessage]
public struct Sample
{
    public double Value;

    public long At;
}

public static partial class Catalog
{
    [PartisanMessage]
    public sealed record Item(string Sku, Item? Parent);
}

/// <summary>Version 1 of a message, as an old node knows it.</summary>
[PartisanMessage(TypeId = 6001)]
public sealed record OrderPlacedV1(string Sku, int Quantity);

/// <summary>Version 2 of the same message: two members appended.</summary>
[PartisanMessage(TypeId = 6002)]
public sealed record OrderPlacedV2(string Sku, int Quantity, string Note = "none", List<Address>? Extra = null);
