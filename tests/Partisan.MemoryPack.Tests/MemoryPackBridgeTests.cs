using Partisan.Serialization;
using Partisan.Tests.Support;

namespace Partisan.MemoryPackTests;

public class MemoryPackBridgeTests
{
    private static readonly Order Sample = new(7, "ada", [new Line("tea", 2, 3.5m), new Line("cup", 1, 9m)], new() { ["spring"] = 0.1m });

    [Fact]
    public async Task A_memorypackable_record_is_sent_as_a_message_and_used_as_a_call_argument_and_result_across_nodes()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2, o => o.TypeRegistry = Registry());
        Pid echo = cluster[1].Spawn(async ctx =>
        {
            while (true)
            {
                object message = await ctx.ReceiveAsync();
                if (message is CallRequest { Request: Order order } call)
                {
                    ctx.Node.HandleFor(call).Reply(order with { Id = order.Id + 1 });
                }
            }
        }, name: "orders");

        Order reply = await cluster[0].CallAsync<Order>(ProcessRef.ForName("orders", cluster[1].Name), Sample);

        Assert.Equal(8, reply.Id);
        Assert.Equal(Sample.Customer, reply.Customer);
        Assert.Equal(Sample.Lines, reply.Lines);
        Assert.Equal(Sample.Discounts, reply.Discounts);
        Assert.True(cluster[1].IsAlive(echo));
    }

    [Fact]
    public void Recursive_types_are_refused_so_no_frame_can_nest_without_bound()
    {
        var registry = new TypeRegistry();

        ArgumentException chain = Assert.Throws<ArgumentException>(() => registry.RegisterMemoryPack<Chain>());
        ArgumentException tree = Assert.Throws<ArgumentException>(() => registry.RegisterMemoryPack<Tree>());

        Assert.Contains("Chain -> Chain", chain.Message, StringComparison.Ordinal);
        Assert.Contains("contains itself", tree.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_or_null_payload_is_a_wire_format_error_not_a_crash()
    {
        byte[] whole = global::MemoryPack.MemoryPackSerializer.Serialize(Sample);
        Assert.IsType<WireFormatException>(ReadError(whole[..(whole.Length / 2)]));
        Assert.IsType<WireFormatException>(ReadError([0xFF])); // MemoryPack's null object
        Assert.Null(ReadError(whole));
    }

    private static Exception? ReadError(byte[] payload)
    {
        TypeRegistry registry = Registry();
        var formatter = new MemoryPackWireFormatter<Order>();
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, new WireContext(registry));
        writer.WriteBytes(payload);
        writer.Flush();

        var reader = new WireReader(buffer.ToArray(), new WireContext(registry));
        try
        {
            Assert.Equal(Sample.Id, formatter.Read(ref reader).Id);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private static TypeRegistry Registry()
    {
        var registry = new TypeRegistry();
        registry.RegisterMemoryPack<Order>();
        registry.RegisterMemoryPack<Line>();
        return registry;
    }
}
