using FsCheck;
using FsCheck.Fluent;
using Partisan.Serialization;
using static Partisan.Tests.Serialization.WireTestKit;

namespace Partisan.Tests.Serialization;

public class EnumRoundTripTests
{
    public enum ByteEnum : byte { A = 1, B = 200 }

    public enum SByteEnum : sbyte { Low = -128, High = 127 }

    public enum ShortEnum : short { Min = short.MinValue, Zero = 0 }

    public enum UShortEnum : ushort { Max = ushort.MaxValue }

    public enum IntEnum { Red, Green, Blue }

    public enum UIntEnum : uint { Top = uint.MaxValue }

    public enum LongEnum : long { Min = long.MinValue, Max = long.MaxValue }

    public enum ULongEnum : ulong { Top = ulong.MaxValue, Middle = 1UL << 63 }

    [Flags]
    public enum FlagsEnum { None = 0, A = 1, B = 2, C = 4 }

    private static void AllValuesRoundTrip<TEnum, TUnderlying>(Gen<TUnderlying> underlying)
        where TEnum : struct, Enum =>
        Check(underlying.Select(u => (TEnum)(object)u!), v => Assert.Equal(v, RoundTrip(v)), 100);

    [Fact]
    public void Byte_enums_round_trip_every_value() => AllValuesRoundTrip<ByteEnum, byte>(Gen.Choose(0, 255).Select(i => (byte)i));

    [Fact]
    public void SByte_enums_round_trip_every_value() => AllValuesRoundTrip<SByteEnum, sbyte>(Gen.Choose(-128, 127).Select(i => (sbyte)i));

    [Fact]
    public void Short_enums_round_trip_every_value() =>
        AllValuesRoundTrip<ShortEnum, short>(Gen.Choose(short.MinValue, short.MaxValue).Select(i => (short)i));

    [Fact]
    public void UShort_enums_round_trip_every_value() =>
        AllValuesRoundTrip<UShortEnum, ushort>(Gen.Choose(0, ushort.MaxValue).Select(i => (ushort)i));

    [Fact]
    public void Int_enums_round_trip_undefined_values() => AllValuesRoundTrip<IntEnum, int>(Gens.Int32);

    [Fact]
    public void UInt_enums_round_trip_every_value() => AllValuesRoundTrip<UIntEnum, uint>(Gens.UInt32);

    [Fact]
    public void Long_enums_round_trip_every_value() => AllValuesRoundTrip<LongEnum, long>(Gens.Int64);

    [Fact]
    public void ULong_enums_round_trip_every_value() => AllValuesRoundTrip<ULongEnum, ulong>(Gens.UInt64);

    [Fact]
    public void Flag_combinations_round_trip()
    {
        Assert.Equal(FlagsEnum.A | FlagsEnum.C, RoundTrip(FlagsEnum.A | FlagsEnum.C));
        Assert.Equal((FlagsEnum)0x7FFF_0000, RoundTrip((FlagsEnum)0x7FFF_0000));
    }

    [Fact]
    public void Enums_as_members_of_collections_and_nullables_need_no_registration()
    {
        var list = new List<IntEnum> { IntEnum.Blue, (IntEnum)99, IntEnum.Red };
        Assert.Equal(list, RoundTrip(list, polymorphic: false));
        Assert.Equal(ULongEnum.Middle, RoundTrip<ULongEnum?>(ULongEnum.Middle));
        Assert.Null(RoundTrip<ULongEnum?>(null));
        var map = new Dictionary<ByteEnum, LongEnum> { [ByteEnum.B] = LongEnum.Min, [(ByteEnum)3] = (LongEnum)(-5) };
        Assert.Equal(map, RoundTrip(map, polymorphic: false));
    }

    [Fact]
    public void An_unregistered_enum_cannot_be_sent_as_an_object()
    {
        var context = new WireContext(new TypeRegistry());
        Assert.False(context.Registry.CanSend(typeof(IntEnum)));
        var ex = Assert.Throws<TypeRegistrationException>(() => EncodeObject(IntEnum.Green, context));
        Assert.Contains(nameof(IntEnum), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_registered_enum_round_trips_as_an_object_and_inside_sent_collections()
    {
        var registry = new TypeRegistry();
        registry.RegisterEnum<SByteEnum>();
        registry.RegisterEnum<ULongEnum>(5000);
        var context = new WireContext(registry);
        Assert.Equal(SByteEnum.Low, DecodeObject(EncodeObject(SByteEnum.Low, context), context));
        Assert.Equal((ULongEnum)12345, DecodeObject(EncodeObject((ULongEnum)12345, context), context));
        var list = new List<SByteEnum> { SByteEnum.High, (SByteEnum)0 };
        Assert.Equal(list, DecodeObject(EncodeObject(list, context), context));
    }

    [Fact]
    public void Enum_underlying_values_are_zig_zag_varints()
    {
        Assert.Equal(Encode(-1L), Encode((SByteEnum)(-1)));
        Assert.Equal(Encode(200L), Encode(ByteEnum.B));
        Assert.Equal(Encode(unchecked((long)ulong.MaxValue)), Encode(ULongEnum.Top));
    }
}
