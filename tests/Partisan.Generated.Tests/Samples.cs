using Partisan.Generated.Tests.Shop;

namespace Partisan.Generated.Tests;

/// <summary>Filled-in messages for the tests, and deep comparisons for the ones with collections.</summary>
public static class Samples
{
    private static readonly NodeName Node = NodeName.Parse("sample@127.0.0.1");

    public static Customer Customer() => new("Ada", new Address("London", "1 Main St"), null, new Money(1234, "GBP"), new Money(-5, "EUR"));

    public static Order Order() => new(
        Guid.Parse("6f1c2b4e-1d2a-4c3b-9e8f-0a1b2c3d4e5f"),
        Customer(),
        [new Address("Paris", "2 Rue"), new Address("Rome", "3 Via")],
        new Dictionary<string, int> { ["apples"] = 3, ["pears"] = -1 },
        [1, -2, int.MaxValue],
        [Color.Red, Color.Blue],
        Color.Green,
        (Color)200,
        null,
        new Pid(Node, 42),
        new Ref(Node, 7),
        new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        TimeSpan.FromMilliseconds(1500),
        new Address("Boxed", "as object"),
        [1, 2, 3],
        null);

    public static void AssertEqual(Order expected, Order actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Customer, actual.Customer);
        Assert.Equal(expected.Shipments, actual.Shipments);
        Assert.Equal(expected.Counts, actual.Counts);
        Assert.Equal(expected.Codes, actual.Codes);
        Assert.Equal(expected.Colors, actual.Colors);
        Assert.Equal(expected.Main, actual.Main);
        Assert.Equal(expected.Accent, actual.Accent);
        Assert.Equal(expected.MaybeCount, actual.MaybeCount);
        Assert.Equal(expected.Owner, actual.Owner);
        Assert.Equal(expected.Token, actual.Token);
        Assert.Equal(expected.At, actual.At);
        Assert.Equal(expected.At.Kind, actual.At.Kind);
        Assert.Equal(expected.Took, actual.Took);
        Assert.Equal(expected.Payload, actual.Payload);
        Assert.Equal(expected.Blob, actual.Blob);
        Assert.Equal(expected.Note, actual.Note);
    }
}
