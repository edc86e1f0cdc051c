using FsCheck.Fluent;
using Partisan.Serialization;
using static Partisan.Tests.Serialization.WireTestKit;

namespace Partisan.Tests.Serialization;

/// <summary>NodeName, ExitReason and the monitoring messages (Pid/Ref/RemoteRef are in References/RemoteRefWireTests).</summary>
public class IdentityRoundTripTests
{
    [Fact]
    public void Node_names_round_trip() => Check(Gens.NodeName, v => Assert.Equal(v, RoundTrip(v)), 200);

    [Fact]
    public void A_node_name_is_its_utf8_string_on_the_wire()
    {
        var node = NodeName.Parse("a@b");
        Assert.Equal(Encode<string?>("a@b"), Encode(node));
        Assert.Equal(node, Decode<NodeName>(Encode<string?>("a@b")));
    }

    [Fact]
    public void Decoding_the_same_node_name_twice_gives_equal_values()
    {
        byte[] bytes = Encode(NodeName.Parse("cache@10.1.2.3"));
        Assert.Equal(Decode<NodeName>(bytes), Decode<NodeName>(Fragment(bytes, 2)));
    }

    [Fact]
    public void A_default_node_name_cannot_be_written()
    {
        var ex = Assert.Throws<WireFormatException>(() => Encode(default(NodeName)));
        Assert.Contains("default", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Exit_reasons_round_trip() => Check(Gens.ExitReason, v => Assert.Equal(v, RoundTrip(v)), 200);

    [Fact]
    public void Well_known_exit_reasons_decode_to_the_shared_instances()
    {
        Assert.Same(ExitReason.Normal, RoundTrip(ExitReason.Normal));
        Assert.Same(ExitReason.NoConnection, RoundTrip(ExitReason.NoConnection));
        Assert.Same(ExitReason.NoProc, RoundTrip(ExitReason.NoProc));
        Assert.Equal(new ExitReason("normal", "with detail"), RoundTrip(new ExitReason("normal", "with detail")));
    }

    [Fact]
    public void Down_messages_round_trip_in_every_reference_format()
    {
        foreach (WireContext context in AllRefFormats)
        {
            Check(Gens.Down, v => Assert.Equal(v, RoundTrip(v, context)), 60);
        }
    }

    [Fact]
    public void Down_messages_written_in_one_format_are_read_by_a_reader_set_to_another()
    {
        Check(
            Gens.Down,
            v =>
            {
                foreach (WireContext write in AllRefFormats)
                {
                    foreach (WireContext read in AllRefFormats)
                    {
                        Assert.Equal(v, Decode<Down>(Encode(v, write), read));
                    }
                }
            },
            30);
    }

    [Fact]
    public void NodeUp_round_trips() => Check(Gens.NodeUp, v => Assert.Equal(v, RoundTrip(v)), 100);

    [Fact]
    public void NodeDown_round_trips() => Check(Gens.NodeDown, v => Assert.Equal(v, RoundTrip(v)), 100);

    [Fact]
    public void Monitoring_messages_have_their_reserved_type_ids()
    {
        var node = NodeName.Parse("m@h");
        Assert.Equal((byte)WireTypeIds.NodeUp, EncodeObject(new NodeUp(node))[0]);
        Assert.Equal((byte)WireTypeIds.NodeDown, EncodeObject(new NodeDown(node, "left"))[0]);
        Assert.Equal((byte)WireTypeIds.Down, EncodeObject(new Down(new Ref(node, 1), new Pid(node, 2), ExitReason.Normal))[0]);
        Assert.Equal((byte)WireTypeIds.ExitReason, EncodeObject(ExitReason.Killed)[0]);
    }

    [Fact]
    public void A_collection_of_monitoring_messages_round_trips_as_an_object()
    {
        var node = NodeName.Parse("m@h");
        var value = new List<Down>
        {
            new(new Ref(node, 1), new Pid(node, 2), ExitReason.NoConnection),
            new(new Ref(node, 3), ProcessRef.ForName("srv", node), ExitReason.FromException(new InvalidOperationException("boom"))),
        };
        Assert.Equal(value, Assert.IsType<List<Down>>(DecodeObject(EncodeObject(value))));
    }

    [Fact]
    public void A_Down_target_given_as_a_ref_is_rejected()
    {
        // Hand-build a Down whose target slot holds a Ref, which names no process.
        var node = NodeName.Parse("m@h");
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, TupleWire);
        WireObjectScope scope = writer.BeginObject(3);
        writer.Write(new Ref(node, 1));
        writer.Write(new Ref(node, 2));
        writer.Write(ExitReason.Normal);
        writer.EndObject(scope);
        writer.Flush();
        byte[] bytes = buffer.ToArray();
        var ex = Assert.Throws<WireFormatException>(() => Decode<Down>(bytes));
        Assert.Contains("process reference", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arbitrary_exit_reason_kinds_and_details_survive() =>
        Check(
            from kind in Gens.WellFormedString(1, 50) from detail in Gens.WellFormedString(300, 600) select new ExitReason(kind, detail),
            v => Assert.Equal(v, RoundTrip(v)),
            30);
}
