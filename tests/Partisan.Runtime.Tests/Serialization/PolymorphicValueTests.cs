using FsCheck;
using FsCheck.Fluent;
using Partisan.Serialization;
using static Partisan.Tests.Serialization.WireTestKit;

namespace Partisan.Tests.Serialization;

/// <summary><c>object</c> values: WriteObject/ReadObject carry a type descriptor so the reader rebuilds the exact type.</summary>
public class PolymorphicValueTests
{
    /// <summary>A value of any built-in sendable type (or null), boxed.</summary>
    public static Gen<object?> AnyValue { get; } = Gen.OneOf(
        Gen.Constant<object?>(null),
        Gens.Default<bool>().Select(v => (object?)v),
        Gen.Choose(0, 255).Select(v => (object?)(byte)v),
        Gen.Choose(-128, 127).Select(v => (object?)(sbyte)v),
        Gen.Choose(short.MinValue, short.MaxValue).Select(v => (object?)(short)v),
        Gen.Choose(0, ushort.MaxValue).Select(v => (object?)(ushort)v),
        Gens.Int32.Select(v => (object?)v),
        Gens.UInt32.Select(v => (object?)v),
        Gens.Int64.Select(v => (object?)v),
        Gens.UInt64.Select(v => (object?)v),
        Gens.Single.Select(v => (object?)v),
        Gens.Double.Select(v => (object?)v),
        Gens.Decimal.Select(v => (object?)v),
        Gens.Char.Select(v => (object?)v),
        Gens.String.Select(v => (object?)v),
        Gens.Bytes.Select(v => (object?)v),
        Gens.Bytes.Select(v => (object?)new ReadOnlyMemory<byte>(v ?? [])),
        Gens.Default<Guid>().Select(v => (object?)v),
        Gens.DateTime.Select(v => (object?)v),
        Gens.DateTimeOffset.Select(v => (object?)v),
        Gens.TimeSpan.Select(v => (object?)v),
        Gens.NodeName.Select(v => (object?)v),
        Gens.Pid.Select(v => (object?)v),
        Gens.Ref.Select(v => (object?)v),
        Gens.ProcessRef.Select(v => (object?)v),
        Gens.RemoteRef.Select(v => (object?)v),
        Gens.ExitReason.Select(v => (object?)v),
        Gens.Down.Select(v => (object?)v),
        Gens.NodeUp.Select(v => (object?)v),
        Gens.NodeDown.Select(v => (object?)v),
        Gen.ArrayOf(Gens.Int64).Select(v => (object?)v),
        Gen.ListOf(Gens.ShortString).Select(v => (object?)v.ToList()),
        Gen.ListOf(Gens.Pid).Select(v => (object?)v.ToList()),
        Gen.ArrayOf(Gen.OneOf(Gens.Double.Select(d => (double?)d), Gen.Constant<double?>(null))).Select(v => (object?)v),
        Gen.ListOf(Gens.Int32).Select(v => (object?)new HashSet<int>(v)),
        Gen.ListOf(Gen.Zip(Gens.Int64, Gens.ShortString)).Select(v => (object?)v.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => p.Item2)),
        Gen.ListOf(Gen.ArrayOf(Gens.Int32)).Select(v => (object?)new List<Dictionary<string, int[]>> { v.Select((a, i) => (a, i)).ToDictionary(p => p.i.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.a) }));

    [Fact]
    public void Any_value_round_trips_as_an_object() =>
        Check(AnyValue, value => AssertSame(value, DecodeObject(EncodeObject(value))), 300);

    [Fact]
    public void Any_value_round_trips_from_a_fragmented_many_segment_buffer() =>
        Check(
            AnyValue,
            value =>
            {
                using var buffer = new WireBuffer(16);
                var writer = new WireWriter(buffer, TupleWire);
                writer.WriteObject(value);
                writer.WriteObject(value);
                writer.Flush();
                var reader = new WireReader(AsSequence(buffer), TupleWire);
                AssertSame(value, reader.ReadObject());
                AssertSame(value, reader.ReadObject());
                Assert.True(reader.End);
            },
            150);

    [Fact]
    public void Object_members_of_a_list_round_trip_typed() =>
        Check(Gen.ListOf(AnyValue).Select(l => l.ToList()), list => AssertSame(list, Decode<List<object?>>(Encode(list))), 60);

    [Fact]
    public void Object_values_of_a_dictionary_round_trip_typed() =>
        Check(
            Gen.ListOf(Gen.Zip(Gens.WellFormedString(0, 8), AnyValue)).Select(pairs => pairs.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => p.Item2)),
            map => AssertSame(map, Decode<Dictionary<string, object?>>(Encode(map))),
            60);

    public sealed record Envelope(string Topic, object? Payload, object? Extra);

    private sealed class EnvelopeFormatter : WireFormatter<Envelope>
    {
        public override void Write(ref WireWriter writer, Envelope value)
        {
            WireObjectScope scope = writer.BeginObject(3);
            writer.WriteString(value.Topic);
            writer.WriteObject(value.Payload);
            writer.Write(value.Extra);
            writer.EndObject(scope);
        }

        public override Envelope Read(ref WireReader reader)
        {
            WireObjectScope scope = reader.BeginObject(out int _);
            var result = new Envelope(reader.ReadString()!, reader.ReadObject(), reader.Read<object?>());
            reader.EndObject(scope);
            return result;
        }
    }

    [Fact]
    public void Object_members_of_a_user_message_round_trip_and_nest()
    {
        var registry = new TypeRegistry();
        registry.Register(new EnvelopeFormatter());
        var context = new WireContext(registry);
        Check(
            from topic in Gens.WellFormedString(0, 10) from payload in AnyValue from extra in AnyValue select (topic, payload, extra),
            v =>
            {
                var inner = new Envelope(v.topic, v.payload, v.extra);
                var outer = new Envelope("outer", inner, new List<int> { 1 });
                var back = Assert.IsType<Envelope>(DecodeObject(EncodeObject(outer, context), context));
                var backInner = Assert.IsType<Envelope>(back.Payload);
                Assert.Equal(v.topic, backInner.Topic);
                AssertSame(v.payload, backInner.Payload);
                AssertSame(v.extra, backInner.Extra);
                AssertSame(outer.Extra, back.Extra);
            },
            100);
    }

    [Fact]
    public void Boxed_nullables_travel_as_their_underlying_type()
    {
        int? some = 5;
        Assert.Equal(5, DecodeObject(EncodeObject(some)));
        int? none = null;
        Assert.Null(DecodeObject(EncodeObject(none)));
    }

    [Fact]
    public void Reading_an_object_typed_is_the_same_as_ReadObject()
    {
        var node = NodeName.Parse("p@q");
        byte[] bytes = EncodeObject(new Pid(node, 3));
        Assert.Equal(new Pid(node, 3), Decode<object?>(bytes));
    }
}
