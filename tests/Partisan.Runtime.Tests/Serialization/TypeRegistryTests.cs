using FsCheck.Fluent;
using Partisan.Serialization;
using static Partisan.Tests.Serialization.WireTestKit;

namespace Partisan.Tests.Serialization;

public class TypeRegistryTests
{
    public sealed record Alpha(int Value);

    public sealed record Beta(int Value);

    public enum Colour { Red, Green }

    private sealed class AlphaFormatter : WireFormatter<Alpha>
    {
        public override void Write(ref WireWriter writer, Alpha value) => writer.WriteVarInt32(value.Value);

        public override Alpha Read(ref WireReader reader) => new(reader.ReadVarInt32());
    }

    private sealed class BetaFormatter : WireFormatter<Beta>
    {
        public override void Write(ref WireWriter writer, Beta value) => writer.WriteVarInt32(value.Value);

        public override Beta Read(ref WireReader reader) => new(reader.ReadVarInt32());
    }

    /// <summary>Writes an int array as a fixed-width count then fixed-width items: not the built-in encoding.</summary>
    private sealed class FixedIntArrayFormatter : WireFormatter<int[]>
    {
        public override void Write(ref WireWriter writer, int[] value)
        {
            writer.WriteInt32(value.Length);
            foreach (int item in value)
            {
                writer.WriteInt32(item);
            }
        }

        public override int[] Read(ref WireReader reader)
        {
            var result = new int[reader.ReadInt32()];
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = reader.ReadInt32();
            }

            return result;
        }
    }

    [Fact]
    public void Default_ids_are_stable_across_registries_and_above_the_reserved_range()
    {
        var first = new TypeRegistry();
        var second = new TypeRegistry();
        first.Register(new AlphaFormatter());
        second.Register(new AlphaFormatter());
        Assert.True(first.TryGetTypeId(typeof(Alpha), out uint a));
        Assert.True(second.TryGetTypeId(typeof(Alpha), out uint b));
        Assert.Equal(a, b);
        Assert.True(a >= WireTypeIds.FirstUser);
        Assert.Equal(WireTypeIds.StableHash(TypeRegistry.StableTypeName(typeof(Alpha))), a);
    }

    [Fact]
    public void The_stable_hash_is_fnv1a_and_never_lands_in_the_reserved_range()
    {
        Assert.Equal(0xE40C292Cu, WireTypeIds.StableHash("a"));
        Assert.Equal(2166136261u, WireTypeIds.StableHash(string.Empty));
        Check(Gens.Default<string>().Select(s => s ?? string.Empty), name =>
        {
            uint id = WireTypeIds.StableHash(name);
            Assert.True(id >= WireTypeIds.FirstUser);
            Assert.Equal(id, WireTypeIds.StableHash(new string(name.AsSpan())));
        });
    }

    [Theory]
    [InlineData(typeof(int), "System.Int32")]
    [InlineData(typeof(List<int>), "System.Collections.Generic.List`1[System.Int32]")]
    [InlineData(typeof(Dictionary<string, List<int>>), "System.Collections.Generic.Dictionary`2[System.String,System.Collections.Generic.List`1[System.Int32]]")]
    [InlineData(typeof(int[]), "System.Int32[]")]
    [InlineData(typeof(List<int>[]), "System.Collections.Generic.List`1[System.Int32][]")]
    [InlineData(typeof(List<int[]>), "System.Collections.Generic.List`1[System.Int32[]]")]
    [InlineData(typeof(Dictionary<int, string>[,]), "System.Collections.Generic.Dictionary`2[System.Int32,System.String][,]")]
    [InlineData(typeof(int?), "System.Nullable`1[System.Int32]")]
    public void Stable_type_names_spell_out_generics_without_assembly_versions(Type type, string expected)
    {
        string name = TypeRegistry.StableTypeName(type);
        Assert.Equal(expected, name);
        Assert.DoesNotContain("Version=", name, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_types_with_the_same_explicit_id_collide_and_the_error_names_both()
    {
        var registry = new TypeRegistry();
        registry.Register(new AlphaFormatter(), 5000);
        var ex = Assert.Throws<TypeRegistrationException>(() => registry.Register(new BetaFormatter(), 5000));
        Assert.Contains(typeof(Alpha).FullName!, ex.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(Beta).FullName!, ex.Message, StringComparison.Ordinal);
        Assert.Contains("5000", ex.Message, StringComparison.Ordinal);

        // The first registration stands.
        Assert.True(registry.TryGetTypeId(typeof(Alpha), out uint id));
        Assert.Equal(5000u, id);
        Assert.False(registry.TryGetTypeId(typeof(Beta), out _));
    }

    [Fact]
    public void A_type_cannot_take_a_second_id()
    {
        var registry = new TypeRegistry();
        registry.Register(new AlphaFormatter(), 5000);
        var ex = Assert.Throws<TypeRegistrationException>(() => registry.Register(new AlphaFormatter(), 5001));
        Assert.Contains("already registered", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registering_the_same_type_with_the_same_id_again_is_idempotent()
    {
        var registry = new TypeRegistry();
        registry.Register(new AlphaFormatter(), 5000);
        registry.Register(new AlphaFormatter(), 5000);
        registry.Register(new BetaFormatter());
        registry.Register(new BetaFormatter());
        registry.RegisterDeferred(new AlphaFormatter(), 5000);
        registry.ThrowIfInvalid();
        var context = new WireContext(registry);
        Assert.Equal(new Alpha(3), DecodeObject(EncodeObject(new Alpha(3), context), context));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(WireTypeIds.Int32)]
    [InlineData(WireTypeIds.ListOf)]
    [InlineData(WireTypeIds.FirstInternal)]
    [InlineData(WireTypeIds.FirstUser - 1)]
    public void Explicit_ids_in_the_reserved_range_are_refused(uint id)
    {
        var registry = new TypeRegistry();
        var ex = Assert.Throws<TypeRegistrationException>(() => registry.Register(new AlphaFormatter(), id));
        Assert.Contains("reserved", ex.Message, StringComparison.Ordinal);

        registry.RegisterDeferred(new BetaFormatter(), id);
        Assert.Contains("reserved", Assert.Throws<TypeRegistrationException>(registry.ThrowIfInvalid).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_built_in_type_cannot_be_re_registered_under_a_user_id()
    {
        var registry = new TypeRegistry();
        Assert.Throws<TypeRegistrationException>(() => registry.Register(new StringFormatter(), 5000));
    }

    [Fact]
    public void Deferred_registration_records_the_conflict_for_ThrowIfInvalid()
    {
        var registry = new TypeRegistry();
        registry.RegisterDeferred(new AlphaFormatter(), 6000);
        registry.RegisterDeferred(new BetaFormatter(), 6000);
        var ex = Assert.Throws<TypeRegistrationException>(registry.ThrowIfInvalid);
        Assert.Contains(typeof(Alpha).FullName!, ex.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(Beta).FullName!, ex.Message, StringComparison.Ordinal);

        // It keeps failing: the conflict is not forgotten once reported.
        Assert.Throws<TypeRegistrationException>(registry.ThrowIfInvalid);
    }

    [Fact]
    public void ThrowIfInvalid_is_quiet_without_conflicts() => new TypeRegistry().ThrowIfInvalid();

    [Fact]
    public void Writing_an_unregistered_type_as_an_object_fails_clearly_and_writes_nothing()
    {
        var context = new WireContext(new TypeRegistry());
        var ex = Assert.Throws<TypeRegistrationException>(() => WriteAfterFailure(new Alpha(1), context));
        Assert.Contains(typeof(Alpha).FullName!, ex.Message, StringComparison.Ordinal);
        Assert.Contains("no type id", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Register", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Writes 1, then <paramref name="unsendable"/> (which must fail), then 2 with the same writer, and checks
    /// the failure left nothing behind: the bytes are exactly 1 then 2. Rethrows the failure.
    /// </summary>
    private static void WriteAfterFailure(object unsendable, WireContext context)
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, context);
        writer.WriteObject(1);
        long before = writer.Position;
        TypeRegistrationException? failure = null;
        try
        {
            writer.WriteObject(unsendable);
        }
        catch (TypeRegistrationException ex)
        {
            failure = ex;
        }

        Assert.Equal(before, writer.Position);
        writer.WriteObject(2);
        writer.Flush();
        var reader = new WireReader(buffer.ToArray(), context);
        Assert.Equal(1, reader.ReadObject());
        Assert.Equal(2, reader.ReadObject());
        Assert.True(reader.End);
        throw (Exception?)failure ?? new InvalidOperationException("Writing did not fail.");
    }

    [Fact]
    public void Writing_a_collection_of_unsendable_elements_fails_before_writing_a_descriptor()
    {
        var context = new WireContext(new TypeRegistry());
        foreach (object value in new object[] { new List<Alpha>(), new Dictionary<string, List<Alpha>>(), new List<Colour>() })
        {
            var ex = Assert.Throws<TypeRegistrationException>(() => WriteAfterFailure(value, context));
            Assert.Contains("cannot be sent", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Writing_a_type_without_any_formatter_typed_fails_clearly()
    {
        var context = new WireContext(new TypeRegistry());
        var ex = Assert.Throws<TypeRegistrationException>(() => Encode(new Alpha(1), context));
        Assert.Contains("No wire formatter", ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(Alpha), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_known_only_to_the_sender_is_an_unknown_type_id_to_the_receiver()
    {
        var sender = new TypeRegistry();
        sender.Register(new AlphaFormatter(), 7777);
        byte[] bytes = EncodeObject(new Alpha(1), new WireContext(sender));
        var ex = Assert.Throws<WireFormatException>(() => DecodeObject(bytes, new WireContext(new TypeRegistry())));
        Assert.Contains("Unknown type id 7777", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<Type, bool> SendableTypes => new()
    {
        { typeof(int), true },
        { typeof(string), true },
        { typeof(byte[]), true },
        { typeof(Pid), true },
        { typeof(Down), true },
        { typeof(List<int>), true },
        { typeof(int?[]), true },
        { typeof(Dictionary<string, List<Pid>>), true },
        { typeof(HashSet<Guid>), true },
        { typeof(List<List<List<List<List<List<List<List<int>>>>>>>>), true },
        { typeof(List<List<List<List<List<List<List<List<List<int>>>>>>>>>), false },
        { typeof(object), false },
        { typeof(List<object>), true },
        { typeof(Dictionary<string, object>), true },
        { typeof(Alpha), false },
        { typeof(List<Alpha>), false },
        { typeof(Colour), false },
        { typeof(List<Colour>), false },
        { typeof(int[,]), false },
        { typeof(Queue<int>), false },
    };

    [Theory]
    [MemberData(nameof(SendableTypes))]
    public void CanSend_agrees_with_what_WriteObject_accepts(Type type, bool sendable)
    {
        var context = new WireContext(new TypeRegistry());
        Assert.Equal(sendable, context.Registry.CanSend(type));
        object instance = Sample(type);
        if (sendable)
        {
            Assert.Equal(type, DecodeObject(EncodeObject(instance, context), context)!.GetType());
        }
        else
        {
            Assert.Throws<TypeRegistrationException>(() => EncodeObject(instance, context));
        }
    }

    private static object Sample(Type type)
    {
        var node = NodeName.Parse("s@h");
        return type switch
        {
            _ when type == typeof(string) => "s",
            _ when type == typeof(Pid) => new Pid(node, 1),
            _ when type == typeof(Down) => new Down(new Ref(node, 1), new Pid(node, 2), ExitReason.Normal),
            _ when type == typeof(Alpha) => new Alpha(1),
            _ when type.IsArray => Array.CreateInstance(type.GetElementType()!, new int[type.GetArrayRank()]),
            _ => Activator.CreateInstance(type)!,
        };
    }

    [Fact]
    public void Registered_user_types_and_enums_are_sendable_alone_and_in_collections()
    {
        var registry = new TypeRegistry();
        registry.Register(new AlphaFormatter());
        registry.RegisterEnum<Colour>();
        Assert.True(registry.CanSend(typeof(Alpha)));
        Assert.True(registry.CanSend(typeof(List<Alpha>)));
        Assert.True(registry.CanSend(typeof(Dictionary<Colour, Alpha[]>)));
        Assert.True(registry.CanSend(typeof(Colour?[])));
        var context = new WireContext(registry);
        var value = new Dictionary<Colour, Alpha[]> { [Colour.Green] = [new Alpha(1), new Alpha(2)] };
        AssertSame(value, DecodeObject(EncodeObject(value, context), context));
    }

    [Fact]
    public void Descriptors_as_deep_as_the_reader_allows_round_trip()
    {
        var value = new List<List<List<List<List<List<List<List<int>>>>>>>> { new() { new() { new() { new() { new() { new() { new() { 42 } } } } } } } };
        object? back = DecodeObject(EncodeObject(value));
        Assert.Equal(42, ((List<List<List<List<List<List<List<List<int>>>>>>>>)back!)[0][0][0][0][0][0][0][0]);
    }

    [Fact]
    public void Each_registry_uses_its_own_formatter_for_the_same_type()
    {
        var fixedWidth = new TypeRegistry();
        fixedWidth.Register(new FixedIntArrayFormatter(), 9000);
        var plain = new TypeRegistry();
        int[] value = [1, 2, 3];

        // Alternate between the registries so any per-type cache must notice the switch.
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(16, Encode(value, new WireContext(fixedWidth)).Length);
            Assert.Equal(4, Encode(value, new WireContext(plain)).Length);
        }
    }

    [Fact]
    public void Registering_a_formatter_replaces_one_built_earlier_for_the_same_type()
    {
        var registry = new TypeRegistry();
        var context = new WireContext(registry);
        int[] value = [1, 2, 3];
        Assert.Equal(4, Encode(value, context).Length); // the built-in array formatter, now cached

        var custom = new FixedIntArrayFormatter();
        registry.Register(custom, 9001);
        Assert.Same(custom, registry.GetFormatter<int[]>());
        Type untyped = typeof(int[]);
        Assert.Same(custom, registry.GetFormatter(untyped));
        Assert.Equal(16, Encode(value, context).Length);
        Assert.Equal(value, DecodeObject(EncodeObject(value, context), context));
    }

    [Fact]
    public void Formatters_for_collections_nullables_and_enums_are_built_on_demand()
    {
        var registry = new TypeRegistry();
        Assert.IsType<ListFormatter<Colour>>(registry.GetFormatter<List<Colour>>());
        Assert.IsType<NullableFormatter<Guid>>(registry.GetFormatter<Guid?>());
        Assert.IsType<EnumFormatter<Colour>>(registry.GetFormatter<Colour>());
        Assert.IsType<DictionaryFormatter<string, int[]>>(registry.GetFormatter<Dictionary<string, int[]>>());
        Type untyped = typeof(List<Colour>);
        Assert.Same(registry.GetFormatter<List<Colour>>(), registry.GetFormatter(untyped));
        Assert.Throws<TypeRegistrationException>(() => registry.GetFormatter<Queue<int>>());
    }

    [Fact]
    public void Registration_from_many_threads_ends_with_one_consistent_entry()
    {
        var registry = new TypeRegistry();
        Parallel.For(0, 64, i =>
        {
            if (i % 2 == 0)
            {
                registry.RegisterDeferred(new AlphaFormatter(), 8000);
            }
            else
            {
                registry.RegisterDeferred(new BetaFormatter(), 8000);
            }
        });
        Assert.True(registry.TryGetTypeId(typeof(Alpha), out _) ^ registry.TryGetTypeId(typeof(Beta), out _));
        Assert.Throws<TypeRegistrationException>(registry.ThrowIfInvalid);
    }
}
