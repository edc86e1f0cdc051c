using System.Buffers;
using Partisan.Generated.Tests.Shop;
using Partisan.Serialization;

namespace Partisan.Generated.Tests;

/// <summary>
/// Rolling upgrades: an old node (registry with v1 under an id) and a new node (v2, two members
/// appended, under the same id) read each other's messages.
/// </summary>
public class VersioningTests
{
    private const uint SharedId = 6000;

    private static WireContext OldNode()
    {
        var registry = new TypeRegistry();
        registry.Register(OrderPlacedV1PartisanFormatter.Instance, SharedId);
        return new WireContext(registry);
    }

    private static WireContext NewNode()
    {
        var registry = new TypeRegistry();
        registry.Register(OrderPlacedV2PartisanFormatter.Instance, SharedId);
        PartisanGeneratedMessages.RegisterAll(registry); // Address and friends; v2 keeps the id above
        return new WireContext(registry);
    }

    private static object? Send(object message, WireContext from, WireContext to)
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, from);
        writer.WriteObject(message);
        writer.WriteVarInt32(12345); // whatever follows must still be read correctly
        writer.Flush();
        var reader = new WireReader(new ReadOnlySequence<byte>(buffer.ToArray()), to);
        object? back = reader.ReadObject();
        Assert.Equal(12345, reader.ReadVarInt32());
        Assert.True(reader.End);
        return back;
    }

    [Fact]
    public void A_new_node_reads_an_old_message_with_defaults_for_the_appended_members()
    {
        var back = Assert.IsType<OrderPlacedV2>(Send(new OrderPlacedV1("sku", 2), OldNode(), NewNode()));
        Assert.Equal(new OrderPlacedV2("sku", 2, "none", null), back);
    }

    [Fact]
    public void An_old_node_skips_the_members_a_new_sender_appended()
    {
        var message = new OrderPlacedV2("sku", 3, "gift wrap", [new Address("Oslo", "5 Gate")]);
        var back = Assert.IsType<OrderPlacedV1>(Send(message, NewNode(), OldNode()));
        Assert.Equal(new OrderPlacedV1("sku", 3), back);
    }

    [Fact]
    public void Hand_written_bytes_with_an_unknown_trailing_member_are_skipped()
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, WireContext.Default);
        writer.WriteBool(true); // present
        WireObjectScope scope = writer.BeginObject(4);
        writer.WriteString("by hand");
        writer.WriteVarInt32(-9);
        writer.WriteDouble(3.25); // members 3 and 4: unknown to v1
        writer.WriteString("more");
        writer.EndObject(scope);
        writer.WriteBool(true); // the next value in the stream
        writer.Flush();

        var reader = new WireReader(new ReadOnlySequence<byte>(buffer.ToArray()), WireContext.Default);
        Assert.Equal(new OrderPlacedV1("by hand", -9), OrderPlacedV1PartisanFormatter.Instance.Read(ref reader));
        Assert.True(reader.ReadBool());
        Assert.True(reader.End);
    }

    [Fact]
    public void Hand_written_bytes_with_fewer_members_get_defaults()
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, WireContext.Default);
        writer.WriteBool(true);
        WireObjectScope scope = writer.BeginObject(1);
        writer.WriteString("only sku");
        writer.EndObject(scope);
        writer.Flush();

        var reader = new WireReader(new ReadOnlySequence<byte>(buffer.ToArray()), WireContext.Default);
        Assert.Equal(new OrderPlacedV2("only sku", 0, "none", null), OrderPlacedV2PartisanFormatter.Instance.Read(ref reader));
        Assert.True(reader.End);
    }
}
