using System.Buffers;
using Partisan.Generated.Tests.Shop;
using Partisan.Serialization;

namespace Partisan.Generated.Tests;

/// <summary>Generated formatters, compiled into this assembly by the analyzer, round-trip through the codec.</summary>
public class RoundTripTests
{
    private static T RoundTrip<T>(T value, WireContext? context = null)
    {
        context ??= WireContext.Default;
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, context);
        writer.Write(value);
        writer.WriteString("end");
        writer.Flush();
        var reader = new WireReader(new ReadOnlySequence<byte>(buffer.ToArray()), context);
        T back = reader.Read<T>();
        Assert.Equal("end", reader.ReadString());
        Assert.True(reader.End);
        return back;
    }

    private static object? RoundTripObject(object? value, WireContext? writeContext = null, WireContext? readContext = null)
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, writeContext ?? WireContext.Default);
        writer.WriteObject(value);
        writer.Flush();
        var reader = new WireReader(new ReadOnlySequence<byte>(buffer.ToArray()), readContext ?? WireContext.Default);
        object? back = reader.ReadObject();
        Assert.True(reader.End);
        return back;
    }

    [Fact]
    public void Records_with_nested_messages_and_nullable_structs_round_trip()
    {
        Customer customer = Samples.Customer();
        Assert.Equal(customer, RoundTrip(customer));
        Assert.Equal(customer with { Work = new Address("Leeds", "4 Row"), Credit = null }, RoundTrip(customer with { Work = new Address("Leeds", "4 Row"), Credit = null }));
    }

    [Fact]
    public void Collections_enums_nullables_pids_and_object_members_round_trip()
    {
        Order order = Samples.Order();
        Samples.AssertEqual(order, RoundTrip(order));
        Order sparse = order with { Shipments = [], Payload = null, Blob = null, Note = "n", MaybeCount = 0, Accent = null };
        Samples.AssertEqual(sparse, RoundTrip(sparse));
    }

    [Fact]
    public void Messages_round_trip_polymorphically_with_their_type_ids()
    {
        Order order = Samples.Order();
        Samples.AssertEqual(order, Assert.IsType<Order>(RoundTripObject(order)));
        Assert.Equal(Samples.Customer(), RoundTripObject(Samples.Customer()));
        Assert.Equal(new Money(1, "USD"), RoundTripObject(new Money(1, "USD")));
        var list = new List<Customer> { Samples.Customer(), Samples.Customer() with { Name = "Bob" } };
        Assert.Equal(list, Assert.IsType<List<Customer>>(RoundTripObject(list)));
        Assert.Null(RoundTripObject(null));
    }

    [Fact]
    public void Classes_with_init_and_required_properties_round_trip_and_skip_ignored_and_computed_members()
    {
        var profile = new Profile { Name = "Grace", Age = 85, Tags = ["navy", "cobol"], LocalCounter = 99 };
        Profile back = RoundTrip(profile);
        Assert.Equal("Grace", back.Name);
        Assert.Equal(85, back.Age);
        Assert.Equal(["navy", "cobol"], back.Tags);
        Assert.Equal(0, back.LocalCounter);
        Assert.Equal("Grace (85)", back.Display);
    }

    [Fact]
    public void Structs_with_fields_and_recursive_nested_types_round_trip()
    {
        Assert.Equal(new Sample { Value = 2.5, At = -7 }, RoundTrip(new Sample { Value = 2.5, At = -7 }));
        var item = new Catalog.Item("leaf", new Catalog.Item("branch", new Catalog.Item("root", null)));
        Assert.Equal(item, RoundTrip(item));
    }

    [Fact]
    public void A_null_message_reference_round_trips_as_null()
    {
        Assert.Null(RoundTrip<Customer?>(null));
        Assert.Null(RoundTrip(Samples.Customer() with { Work = null }).Work);
    }

    [Fact]
    public void The_module_initializer_registered_every_message_with_its_type_id()
    {
        TypeRegistry.Default.ThrowIfInvalid();
        Assert.True(TypeRegistry.Default.TryGetTypeId(typeof(Ping), out uint ping));
        Assert.Equal(5000u, ping);
        foreach (Type type in new[] { typeof(Pong), typeof(Order), typeof(Customer), typeof(Money), typeof(Profile), typeof(Sample), typeof(Catalog.Item) })
        {
            Assert.True(TypeRegistry.Default.TryGetTypeId(type, out uint id), type.Name);
            Assert.Equal(WireTypeIds.StableHash(TypeRegistry.StableTypeName(type)), id);
        }

        Assert.True(TypeRegistry.Default.CanSend(typeof(List<Order>)));
    }

    [Fact]
    public void The_generated_registration_class_fills_another_registry()
    {
        var registry = new TypeRegistry();
        Assert.False(registry.CanSend(typeof(Ping)));
        PartisanGeneratedMessages.RegisterAll(registry);
        registry.ThrowIfInvalid();
        Assert.True(registry.TryGetTypeId(typeof(Ping), out uint id));
        Assert.Equal(5000u, id);
        Assert.Equal(Samples.Customer(), RoundTripObject(Samples.Customer(), new WireContext(registry), new WireContext(registry)));
    }
}
