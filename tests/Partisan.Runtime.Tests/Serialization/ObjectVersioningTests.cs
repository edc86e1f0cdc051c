using FsCheck;
using FsCheck.Fluent;
using Partisan.Serialization;
using static Partisan.Tests.Serialization.WireTestKit;

namespace Partisan.Tests.Serialization;

/// <summary>
/// Rolling upgrades: a newer sender appends members inside BeginObject/EndObject; an older reader skips
/// them, and a newer reader of older bytes gets defaults for the members that are missing.
/// </summary>
public class ObjectVersioningTests
{
    public sealed record PersonV1(string Name, int Age);

    public sealed record PersonV2(string Name, int Age, List<string>? Tags);

    private const uint PersonTypeId = 424_242;

    private sealed class V1Formatter : WireFormatter<PersonV1>
    {
        public override void Write(ref WireWriter writer, PersonV1 value)
        {
            WireObjectScope scope = writer.BeginObject(2);
            writer.WriteString(value.Name);
            writer.WriteVarInt32(value.Age);
            writer.EndObject(scope);
        }

        public override PersonV1 Read(ref WireReader reader)
        {
            WireObjectScope scope = reader.BeginObject(out int members);
            string name = members > 0 ? reader.ReadString() ?? string.Empty : string.Empty;
            int age = members > 1 ? reader.ReadVarInt32() : 0;
            reader.EndObject(scope);
            return new PersonV1(name, age);
        }
    }

    private sealed class V2Formatter : WireFormatter<PersonV2>
    {
        public override void Write(ref WireWriter writer, PersonV2 value)
        {
            WireObjectScope scope = writer.BeginObject(3);
            writer.WriteString(value.Name);
            writer.WriteVarInt32(value.Age);
            writer.Write(value.Tags);
            writer.EndObject(scope);
        }

        public override PersonV2 Read(ref WireReader reader)
        {
            WireObjectScope scope = reader.BeginObject(out int members);
            string name = members > 0 ? reader.ReadString() ?? string.Empty : string.Empty;
            int age = members > 1 ? reader.ReadVarInt32() : 0;
            List<string>? tags = members > 2 ? reader.Read<List<string>?>() : null;
            reader.EndObject(scope);
            return new PersonV2(name, age, tags);
        }
    }

    /// <summary>The old node: knows PersonV1 under the shared id.</summary>
    private static readonly WireContext OldNode = Context(r => r.Register(new V1Formatter(), PersonTypeId));

    /// <summary>The new node: knows PersonV2 under the same id.</summary>
    private static readonly WireContext NewNode = Context(r => r.Register(new V2Formatter(), PersonTypeId));

    private static WireContext Context(Action<TypeRegistry> register)
    {
        var registry = new TypeRegistry();
        register(registry);
        return new WireContext(registry);
    }

    private static Gen<PersonV2> PersonV2Gen { get; } =
        from name in Gens.WellFormedString(0, 30)
        from age in Gens.Int32
        from tags in Gen.OneOf(Gen.Constant<List<string>?>(null), Gen.ListOf(Gens.WellFormedString(0, 200)).Select(l => (List<string>?)l.ToList()))
        select new PersonV2(name, age, tags);

    [Fact]
    public void An_old_reader_skips_members_it_does_not_know_and_the_next_value_is_intact()
    {
        Check(
            from person in PersonV2Gen from trailer in Gens.String select (person, trailer),
            input =>
            {
                using var buffer = new WireBuffer(16);
                var writer = new WireWriter(buffer, NewNode);
                writer.Write(input.person);
                writer.WriteString(input.trailer);
                writer.WriteVarInt64(long.MinValue);
                writer.Flush();

                var reader = new WireReader(AsSequence(buffer), OldNode);
                PersonV1 old = reader.Read<PersonV1>();
                Assert.Equal(new PersonV1(input.person.Name, input.person.Age), old);
                Assert.Equal(input.trailer, reader.ReadString());
                Assert.Equal(long.MinValue, reader.ReadVarInt64());
                Assert.True(reader.End);
            },
            100);
    }

    [Fact]
    public void A_new_reader_of_old_bytes_gets_defaults_for_missing_members()
    {
        Check(
            from name in Gens.WellFormedString(0, 30) from age in Gens.Int32 select new PersonV1(name, age),
            person =>
            {
                using var buffer = new WireBuffer();
                var writer = new WireWriter(buffer, OldNode);
                writer.Write(person);
                writer.WriteVarUInt32(77);
                writer.Flush();

                var reader = new WireReader(buffer.ToArray(), NewNode);
                Assert.Equal(new PersonV2(person.Name, person.Age, null), reader.Read<PersonV2>());
                Assert.Equal(77u, reader.ReadVarUInt32());
                Assert.True(reader.End);
            },
            100);
    }

    [Fact]
    public void Polymorphic_messages_cross_versions_under_the_shared_type_id()
    {
        var person = new PersonV2("ada", 36, ["math", "engines"]);
        var inList = new List<object?> { person, "after" };
        byte[] bytes = Encode(inList, NewNode);
        List<object?> seenByOld = Decode<List<object?>>(bytes, OldNode);
        Assert.Equal(new PersonV1("ada", 36), seenByOld[0]);
        Assert.Equal("after", seenByOld[1]);

        object? seenByNew = DecodeObject(EncodeObject(new PersonV1("bob", 7), OldNode), NewNode);
        Assert.Equal(new PersonV2("bob", 7, null), seenByNew);
    }

    [Fact]
    public void Nested_objects_with_appended_members_are_skipped_at_every_level()
    {
        var people = new List<PersonV2> { new("a", 1, ["x"]), new("b", 2, null), new("c", 3, [new string('t', 600)]) };
        byte[] bytes = Encode(people, NewNode, initialSize: 16);
        List<PersonV1> old = Decode<List<PersonV1>>(Fragment(bytes, 5), OldNode);
        Assert.Equal([new PersonV1("a", 1), new PersonV1("b", 2), new PersonV1("c", 3)], old);
    }

    [Fact]
    public void The_object_length_slot_counts_the_member_count_and_members()
    {
        byte[] bytes = Encode(new PersonV1("ab", 1), OldNode);

        // [len:4 LE][members varint][name: len+1, 'a', 'b'][age zig-zag]
        Assert.Equal(new byte[] { 5, 0, 0, 0, 2, 3, (byte)'a', (byte)'b', 2 }, bytes);
    }

    [Fact]
    public void Reading_fewer_members_than_written_skips_the_rest_even_when_they_are_large()
    {
        var person = new PersonV2("z", 5, Enumerable.Range(0, 2000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList());
        byte[] bytes = [.. Encode(person, NewNode, initialSize: 16), 0x2A];
        var reader = new WireReader(Fragment(bytes, 100), OldNode);
        Assert.Equal(new PersonV1("z", 5), reader.Read<PersonV1>());
        Assert.Equal(0x2A, reader.ReadByte());
        Assert.True(reader.End);
    }
}
