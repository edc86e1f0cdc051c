using FsCheck;
using FsCheck.Fluent;
using Partisan.Serialization;
using static Partisan.Tests.Serialization.WireTestKit;

namespace Partisan.Tests.Serialization;

public class CollectionRoundTripTests
{
    private static Gen<T?> OrNull<T>(Gen<T> gen)
        where T : class =>
        Gen.Frequency((9, gen.Select(v => (T?)v)), (1, Gen.Constant<T?>(null)));

    private static Gen<List<T>> ListOf<T>(Gen<T> gen) => Gen.ListOf(gen).Select(l => l.ToList());

    private static Gen<Dictionary<TKey, TValue>> DictionaryOf<TKey, TValue>(Gen<TKey> keys, Gen<TValue> values)
        where TKey : notnull =>
        Gen.ListOf(Gen.Zip(keys, values)).Select(pairs =>
        {
            var result = new Dictionary<TKey, TValue>();
            foreach ((TKey key, TValue value) in pairs)
            {
                result[key] = value;
            }

            return result;
        });

    private static Gen<string> Key { get; } = Gens.ShortString.Select(s => s ?? "null-key");

    [Fact]
    public void Int_arrays_round_trip() => Check(OrNull(Gen.ArrayOf(Gens.Int32)), v => RoundTrip(v));

    [Fact]
    public void String_arrays_with_null_elements_round_trip() => Check(OrNull(Gen.ArrayOf(Gens.ShortString)), v => RoundTrip(v));

    [Fact]
    public void Double_arrays_round_trip_bitwise() => Check(Gen.ArrayOf(Gens.Double), v => RoundTrip(v));

    [Fact]
    public void Guid_and_decimal_arrays_round_trip()
    {
        Check(Gen.ArrayOf(Gens.Default<Guid>()), v => RoundTrip(v));
        Check(Gen.ArrayOf(Gens.Decimal), v => RoundTrip(v));
    }

    [Fact]
    public void Arrays_of_nullables_round_trip() =>
        Check(Gen.ArrayOf(Gen.OneOf(Gens.Int64.Select(i => (long?)i), Gen.Constant<long?>(null))), v => RoundTrip(v));

    [Fact]
    public void Arrays_of_byte_arrays_round_trip() => Check(Gen.ArrayOf(Gens.Bytes), v => RoundTrip(v), 30);

    [Fact]
    public void Lists_round_trip()
    {
        Check(OrNull(ListOf(Gens.Int64)), v => RoundTrip(v));
        Check(ListOf(Gens.ShortString), v => RoundTrip(v));
        Check(ListOf(Gens.DateTime), v => RoundTrip(v));
    }

    [Fact]
    public void Dictionaries_round_trip()
    {
        Check(OrNull(DictionaryOf(Key, Gens.Int32)), v => RoundTrip(v));
        Check(DictionaryOf(Gens.Int64, Gens.ShortString), v => RoundTrip(v));
        Check(DictionaryOf(Gens.Default<Guid>(), Gens.Double), v => RoundTrip(v));
    }

    [Fact]
    public void Hash_sets_round_trip()
    {
        Check(OrNull(Gen.ListOf(Gens.Int32).Select(l => new HashSet<int>(l))), v => RoundTrip(v));
        Check(Gen.ListOf(Gens.ShortString).Select(l => new HashSet<string?>(l)), v => RoundTrip(v));
    }

    [Fact]
    public void Nested_collections_round_trip() =>
        Check(OrNull(ListOf(OrNull(DictionaryOf(Key, OrNull(Gen.ArrayOf(Gens.Int32)))))), v => RoundTrip(v), 100);

    [Fact]
    public void Dictionaries_of_lists_of_pids_round_trip_in_every_reference_format()
    {
        foreach (WireContext context in AllRefFormats)
        {
            Check(DictionaryOf(Key, ListOf(Gens.UriPid)), v => RoundTrip(v, context), 30);
        }
    }

    [Fact]
    public void Empty_and_null_collections_keep_their_shape()
    {
        Assert.Empty(RoundTrip(Array.Empty<int>())!);
        Assert.Null(RoundTrip<int[]?>(null));
        Assert.Empty(RoundTrip(new List<string?>())!);
        Assert.Null(RoundTrip<List<string?>?>(null));
        Assert.Empty(RoundTrip(new Dictionary<string, int>())!);
        Assert.Empty(RoundTrip(new HashSet<long>())!);
        Assert.Equal([0], Encode<List<int>?>(null));
        Assert.Equal([1], Encode(new List<int>()));
    }

    [Fact]
    public void A_list_of_object_members_round_trips_typed_with_each_element_described()
    {
        var node = NodeName.Parse("obj@host");
        List<object?> values =
        [
            1, 2L, "three", null, 4.5, true, 'c', (byte)7, Guid.Empty, new Pid(node, 9), new List<int> { 1, 2 },
            new Dictionary<string, double> { ["x"] = double.NaN }, new int?[] { 1, null }, ExitReason.Killed,
            new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), TimeSpan.FromSeconds(3), 12.5m, new byte[] { 1, 2 },
        ];
        List<object?>? back = RoundTrip<List<object?>?>(values);
        Assert.NotNull(back);
        for (int i = 0; i < values.Count; i++)
        {
            Assert.Equal(values[i]?.GetType(), back[i]?.GetType());
        }
    }

    [Fact]
    public void Collections_sent_as_objects_come_back_with_their_exact_type()
    {
        Assert.IsType<List<Dictionary<string, int[]>>>(DecodeObject(EncodeObject(new List<Dictionary<string, int[]>>())));
        Assert.IsType<HashSet<Guid>>(DecodeObject(EncodeObject(new HashSet<Guid> { Guid.NewGuid() })));
        Assert.IsType<int?[]>(DecodeObject(EncodeObject(new int?[] { null, 3 })));
        Assert.IsType<Dictionary<long, List<string>>>(DecodeObject(EncodeObject(new Dictionary<long, List<string>>())));
    }

    [Fact]
    public void A_large_array_round_trips() => RoundTrip(Enumerable.Range(0, 30_000).Select(i => i * 7919L).ToArray());

    [Fact]
    public void Nullables_of_non_primitive_structs_round_trip()
    {
        var pid = new Pid(NodeName.Parse("n@h"), 5);
        Assert.Equal(pid, RoundTrip<Pid?>(pid));
        Assert.Null(RoundTrip<Pid?>(null));
        Assert.Equal(TimeSpan.MaxValue, RoundTrip<TimeSpan?>(TimeSpan.MaxValue));
    }
}
