using FsCheck.Fluent;
using Partisan.Serialization;
using static Partisan.Tests.Serialization.WireTestKit;

namespace Partisan.Tests.Serialization;

public class PrimitiveRoundTripTests
{
    [Fact]
    public void Bool_round_trips() => Check(Gens.Default<bool>(), v => RoundTrip(v), 10);

    [Fact]
    public void Byte_round_trips() => Check(Gen.Choose(0, 255).Select(i => (byte)i), v => RoundTrip(v));

    [Fact]
    public void SByte_round_trips() => Check(Gen.Choose(-128, 127).Select(i => (sbyte)i), v => RoundTrip(v));

    [Fact]
    public void Int16_round_trips() => Check(Gen.Choose(short.MinValue, short.MaxValue).Select(i => (short)i), v => RoundTrip(v));

    [Fact]
    public void UInt16_round_trips() => Check(Gen.Choose(0, ushort.MaxValue).Select(i => (ushort)i), v => RoundTrip(v));

    [Fact]
    public void Int32_round_trips() => Check(Gens.Int32, v => RoundTrip(v), 200);

    [Fact]
    public void UInt32_round_trips() => Check(Gens.UInt32, v => RoundTrip(v), 200);

    [Fact]
    public void Int64_round_trips() => Check(Gens.Int64, v => RoundTrip(v), 200);

    [Fact]
    public void UInt64_round_trips() => Check(Gens.UInt64, v => RoundTrip(v), 200);

    [Fact]
    public void Single_round_trips_bitwise_including_nan_payloads_and_infinities() => Check(Gens.Single, v => RoundTrip(v), 200);

    [Fact]
    public void Double_round_trips_bitwise_including_nan_payloads_and_infinities() => Check(Gens.Double, v => RoundTrip(v), 200);

    [Fact]
    public void Decimal_round_trips_with_its_scale() => Check(Gens.Decimal, v => RoundTrip(v), 200);

    [Fact]
    public void Char_round_trips_every_utf16_code_unit_including_lone_surrogates() => Check(Gens.Char, v => RoundTrip(v), 200);

    [Fact]
    public void Guid_round_trips() => Check(Gens.Default<Guid>(), v => RoundTrip(v));

    [Fact]
    public void DateTime_round_trips_ticks_and_kind() => Check(Gens.DateTime, v => RoundTrip(v), 200);

    [Fact]
    public void DateTime_extremes_of_every_kind_round_trip()
    {
        foreach (DateTimeKind kind in Enum.GetValues<DateTimeKind>())
        {
            RoundTrip(DateTime.SpecifyKind(DateTime.MinValue, kind));
            RoundTrip(DateTime.SpecifyKind(DateTime.MaxValue, kind));
        }
    }

    [Fact]
    public void DateTimeOffset_round_trips_ticks_and_offset() => Check(Gens.DateTimeOffset, v => RoundTrip(v), 200);

    [Fact]
    public void DateTimeOffset_extremes_round_trip()
    {
        RoundTrip(DateTimeOffset.MinValue);
        RoundTrip(DateTimeOffset.MaxValue);
        RoundTrip(new DateTimeOffset(DateTime.MaxValue.Ticks, TimeSpan.FromHours(14)));
        RoundTrip(new DateTimeOffset(DateTime.MinValue.Ticks, TimeSpan.FromHours(-14)));
    }

    [Fact]
    public void TimeSpan_round_trips() => Check(Gens.TimeSpan, v => RoundTrip(v), 200);

    [Fact]
    public void Nullable_primitives_round_trip_typed() =>
        Check(Gen.OneOf(Gens.Int32.Select(i => (int?)i), Gen.Constant<int?>(null)), v => RoundTrip(v));

    [Fact]
    public void Nullable_guid_and_double_round_trip_typed()
    {
        RoundTrip<Guid?>(null);
        RoundTrip<Guid?>(Guid.NewGuid());
        RoundTrip<double?>(double.NaN);
        RoundTrip<double?>(null);
        RoundTrip<DateTime?>(new DateTime(2024, 2, 29, 1, 2, 3, DateTimeKind.Utc));
    }

    [Theory]
    [InlineData(0u, 1)]
    [InlineData(127u, 1)]
    [InlineData(128u, 2)]
    [InlineData(16383u, 2)]
    [InlineData(16384u, 3)]
    [InlineData(uint.MaxValue, 5)]
    public void Unsigned_varints_use_the_expected_number_of_bytes(uint value, int expected) =>
        Assert.Equal(expected, Encode(value).Length);

    [Theory]
    [InlineData(0, new byte[] { 0 })]
    [InlineData(-1, new byte[] { 1 })]
    [InlineData(1, new byte[] { 2 })]
    [InlineData(-64, new byte[] { 127 })]
    [InlineData(64, new byte[] { 0x80, 0x01 })]
    [InlineData(int.MinValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]
    public void Signed_varints_are_zig_zag(int value, byte[] expected) => Assert.Equal(expected, Encode(value));

    [Fact]
    public void Int64_extremes_use_ten_bytes()
    {
        Assert.Equal(10, Encode(long.MinValue).Length);
        Assert.Equal(10, Encode(ulong.MaxValue).Length);
        Assert.Single(Encode(0L));
    }

    [Fact]
    public void Fixed_width_values_are_little_endian()
    {
        Assert.Equal(BitConverter.GetBytes(1.5), Encode(1.5));
        Assert.Equal(BitConverter.GetBytes(-2.25f), Encode(-2.25f));
        var guid = Guid.NewGuid();
        Assert.Equal(guid.ToByteArray(), Encode(guid));
    }

    [Fact]
    public void Primitive_type_ids_are_the_reserved_ones()
    {
        Assert.Equal([(byte)WireTypeIds.Int32, 2], EncodeObject(1));
        Assert.Equal([(byte)WireTypeIds.Bool, 1], EncodeObject(true));
        Assert.Equal([(byte)WireTypeIds.Null], EncodeObject(null));
        Assert.Null(DecodeObject([(byte)WireTypeIds.Null]));
    }
}
