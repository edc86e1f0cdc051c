using FsCheck;
using FsCheck.Fluent;
using Partisan.Membership;
using Partisan.Serialization;

namespace Partisan.Tests.Membership;

/// <summary>Writes raw bytes through a <see cref="WireWriter"/>.</summary>
internal delegate void WireWrite(ref WireWriter writer);

/// <summary>The wire formats of <see cref="NodeSpec"/> and <see cref="MembershipState"/>.</summary>
public class MembershipStateFormatterTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(100);
    private static readonly NodeSpecFormatter SpecFormatter = new();
    private static readonly MembershipStateFormatter StateFormatter = new();

    private static byte[] Bytes(WireWrite write)
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, WireContext.Default);
        write(ref writer);
        writer.Flush();
        return buffer.ToArray();
    }

    private static byte[] Encode(MembershipState state) => Bytes((ref WireWriter w) => StateFormatter.Write(ref w, state));

    private static byte[] Encode(NodeSpec spec) => Bytes((ref WireWriter w) => SpecFormatter.Write(ref w, spec));

    private static MembershipState DecodeState(byte[] bytes)
    {
        var reader = new WireReader(bytes, WireContext.Default);
        MembershipState state = StateFormatter.Read(ref reader);
        Assert.True(reader.End, "every byte consumed");
        return state;
    }

    private static NodeSpec DecodeSpec(byte[] bytes)
    {
        var reader = new WireReader(bytes, WireContext.Default);
        NodeSpec spec = SpecFormatter.Read(ref reader);
        Assert.True(reader.End, "every byte consumed");
        return spec;
    }

    private static void AssertRoundTrip(MembershipState state)
    {
        byte[] bytes = Encode(state);
        MembershipState back = DecodeState(bytes);
        MembershipInvariants.Check(back);
        Assert.Equal(state, back);
        Assert.Equal(state.Self, back.Self);
        Assert.Equal<NodeSpec>(state.Members, back.Members);
        Assert.Equal(state.Digest, back.Digest);
        Assert.Equal(state.SelfStatus, back.SelfStatus);
        Assert.Equal(bytes, Encode(back));
    }

    // ---- round trips ----

    private static Gen<NodeSpec> SpecGen()
    {
        Gen<string> host = Gen.Elements("127.0.0.1", "10.1.2.3", "node-7.example.org", "::1", "h");
        Gen<ListenAddress> address = from h in host from port in Gen.Choose(0, 65535) select new ListenAddress(h, port);
        Gen<ChannelOptions> channel =
            from parallelism in Gen.Choose(1, ChannelOptions.MaxParallelism)
            from monotonic in Gen.Elements(false, true)
            from compression in Gen.Elements(ChannelCompression.None, ChannelCompression.Deflate, ChannelCompression.Brotli)
            select new ChannelOptions("c", parallelism, monotonic, compression);
        Gen<ChannelOptions[]> channels =
            from count in Gen.Choose(0, 5)
            from list in Gen.ArrayOf(channel, count)
            select Renamed(list);
        return from name in Gen.Elements("a@h", "node_1@10.0.0.1", "x-y.z@host.example", "n@h")
               from addresses in Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(address, n))
               from chans in channels
               from incarnation in Gen.Elements(0L, 1L, -5L, 638_000_000_000_000_000L, long.MaxValue, long.MinValue)
               from tags in Gen.Elements<string[]>([], ["server"], ["client", "zone:eu-1", "rack_2.b"])
               select new NodeSpec(NodeName.Parse(name), addresses, chans, incarnation, tags);
    }

    /// <summary>Gives each channel a distinct name.</summary>
    private static ChannelOptions[] Renamed(ChannelOptions[] channels)
    {
        var result = new ChannelOptions[channels.Length];
        for (int i = 0; i < channels.Length; i++)
        {
            ChannelOptions c = channels[i];
            result[i] = new ChannelOptions(c.Name + i.ToString(System.Globalization.CultureInfo.InvariantCulture), c.Parallelism, c.Monotonic, c.Compression);
        }

        return result;
    }

    [Fact]
    public void NodeSpec_round_trips() =>
        Check.One(Config, Prop.ForAll(SpecGen().ToArbitrary(), spec =>
        {
            NodeSpec back = DecodeSpec(Encode(spec));
            Assert.Equal(spec, back);
            Assert.Equal(spec.Channels, back.Channels);
            Assert.Equal(spec.ListenAddresses, back.ListenAddresses);
        }));

    [Fact]
    public void Every_state_of_a_random_history_round_trips() =>
        Check.One(Config, Prop.ForAll(MembershipGen.History(30).ToArbitrary(), history =>
        {
            foreach (MembershipState state in Cluster.Run(history).All)
            {
                AssertRoundTrip(state);
            }
        }));

    [Fact]
    public void States_round_trip_as_messages_with_their_type_ids()
    {
        MembershipState state = MembershipState.Create(Cluster.Spec(NodeName.Parse("a@h"), 3, 9000))
            .Add(Cluster.Spec(NodeName.Parse("b@h"), 4, 9001));
        Assert.True(TypeRegistry.Default.TryGetTypeId(typeof(MembershipState), out uint stateId));
        Assert.Equal(MembershipStateFormatter.TypeId, stateId);
        Assert.Equal(150u, stateId);
        Assert.True(TypeRegistry.Default.TryGetTypeId(typeof(NodeSpec), out uint specId));
        Assert.Equal(151u, specId);

        byte[] bytes = Bytes((ref WireWriter w) =>
        {
            w.WriteObject(state);
            w.WriteObject(state.Self);
        });
        var reader = new WireReader(bytes, WireContext.Default);
        Assert.Equal(state, Assert.IsType<MembershipState>(reader.ReadObject()));
        Assert.Equal(state.Self, Assert.IsType<NodeSpec>(reader.ReadObject()));
        Assert.True(reader.End);
    }

    // ---- untrusted input ----

    [Fact]
    public void Every_truncation_throws()
    {
        MembershipState state = MembershipState.Create(Cluster.Spec(NodeName.Parse("a@h"), 3, 9000))
            .Add(Cluster.Spec(NodeName.Parse("b@h"), 4, 9001));
        byte[] bytes = Encode(state);
        for (int length = 0; length < bytes.Length; length++)
        {
            byte[] prefix = bytes[..length];
            Assert.Throws<WireFormatException>(() => DecodeState(prefix));
        }

        byte[] specBytes = Encode(state.Self);
        for (int length = 0; length < specBytes.Length; length++)
        {
            byte[] prefix = specBytes[..length];
            Assert.Throws<WireFormatException>(() => DecodeSpec(prefix));
        }
    }

    /// <summary>Corrupting any byte either fails with <see cref="WireFormatException"/> or yields a state that keeps every invariant.</summary>
    [Fact]
    public void Corrupted_bytes_fail_cleanly_or_decode_to_a_valid_state()
    {
        Arbitrary<(History, int, int, byte)> arbitrary =
            (from history in MembershipGen.History(20)
             from pick in Gen.Choose(0, 10_000)
             from position in Gen.Choose(0, 100_000)
             from value in Gen.Choose(0, 255)
             select (history, pick, position, (byte)value)).ToArbitrary();
        Check.One(Config.WithMaxTest(300), Prop.ForAll(arbitrary, input =>
        {
            (History history, int pick, int position, byte value) = input;
            List<MembershipState> all = Cluster.Run(history).All;
            byte[] bytes = Encode(all[pick % all.Count]);
            bytes[position % bytes.Length] = value;
            MembershipState decoded;
            try
            {
                var reader = new WireReader(bytes, WireContext.Default);
                decoded = StateFormatter.Read(ref reader);
            }
            catch (WireFormatException)
            {
                return;
            }

            MembershipInvariants.Check(decoded);
        }));
    }

    // Raw writers, so tests can write what the formatter never would.

    private static void RawSpec(ref WireWriter w, string name, long incarnation = 1, (string? Host, uint Port)[]? addresses = null,
        (string Name, uint Parallelism, byte Monotonic, byte Compression)[]? channels = null, int members = 4, string[]? tags = null)
    {
        addresses ??= [("10.0.0.1", 9000)];
        channels ??= [("default", 1, 0, 0)];
        tags ??= [];
        WireObjectScope scope = w.BeginObject(members);
        w.WriteString(name);
        if (members > 1)
        {
            w.WriteVarInt64(incarnation);
        }

        if (members > 2)
        {
            w.WriteVarUInt32((uint)addresses.Length);
            foreach ((string? host, uint port) in addresses)
            {
                w.WriteString(host);
                w.WriteVarUInt32(port);
            }
        }

        if (members > 3)
        {
            w.WriteVarUInt32((uint)channels.Length);
            foreach ((string channel, uint parallelism, byte monotonic, byte compression) in channels)
            {
                WireObjectScope channelScope = w.BeginObject(4);
                w.WriteString(channel);
                w.WriteVarUInt32(parallelism);
                w.WriteByte(monotonic);
                w.WriteByte(compression);
                w.EndObject(channelScope);
            }
        }

        if (members > 4)
        {
            w.WriteVarUInt32((uint)tags.Length);
            foreach (string tag in tags)
            {
                w.WriteString(tag);
            }
        }

        for (int extra = 5; extra < members; extra++)
        {
            w.WriteString("a member from the future");
        }

        w.EndObject(scope);
    }

    private static void RawState(ref WireWriter w, (string Node, long Incarnation, ulong Counter)[] vector,
        (uint Index, ulong Counter, string Name)[] adds, int members = 3, uint? addCount = null)
    {
        WireObjectScope scope = w.BeginObject(members);
        RawSpec(ref w, "a@h");
        if (members > 1)
        {
            w.WriteVarUInt32((uint)vector.Length);
            foreach ((string node, long incarnation, ulong counter) in vector)
            {
                w.WriteString(node);
                w.WriteVarInt64(incarnation);
                w.WriteVarUInt64(counter);
            }
        }

        if (members > 2)
        {
            w.WriteVarUInt32(addCount ?? (uint)adds.Length);
            foreach ((uint index, ulong counter, string name) in adds)
            {
                w.WriteVarUInt32(index);
                w.WriteVarUInt64(counter);
                RawSpec(ref w, name);
            }
        }

        for (int extra = 3; extra < members; extra++)
        {
            w.WriteVarUInt64(ulong.MaxValue);
        }

        w.EndObject(scope);
    }

    private static readonly (string, long, ulong)[] Vector = [("a@h", 1, 3), ("b@h", 1, 2)];

    private static byte[] State((uint, ulong, string)[] adds, (string, long, ulong)[]? vector = null, int members = 3, uint? addCount = null) =>
        Bytes((ref WireWriter w) => RawState(ref w, vector ?? Vector, adds, members, addCount));

    private static byte[] Spec(string name = "a@h", (string?, uint)[]? addresses = null, (string, uint, byte, byte)[]? channels = null, int members = 4, string[]? tags = null) =>
        Bytes((ref WireWriter w) => RawSpec(ref w, name, 1, addresses, channels, members, tags));

    [Fact]
    public void A_well_formed_raw_state_decodes()
    {
        // The control for the malformed cases below: the raw writer itself is right.
        MembershipState state = DecodeState(State([(0, 1, "a@h"), (1, 2, "a@h"), (0, 3, "x@h")]));
        MembershipInvariants.Check(state);
        Assert.Equal(2, state.Count);
        Assert.Equal(2, state.Entries[0].Dots.Length);
        Assert.Equal(new Dot(new ReplicaId(NodeName.Parse("b@h"), 1), 2), state.VersionVector[1]);
    }

    [Fact]
    public void A_spec_without_tags_is_written_as_four_members_so_older_readers_read_it_unchanged()
    {
        NodeSpec plain = new(NodeName.Parse("a@h"), [new ListenAddress("h", 1)], [], 1);
        NodeSpec tagged = new(NodeName.Parse("a@h"), [new ListenAddress("h", 1)], [], 1, ["server", "server", "eu"]);
        Assert.Equal(Spec(addresses: [("h", 1)], channels: []), Encode(plain));
        Assert.Equal(["server", "eu"], tagged.Tags);
        Assert.True(tagged.HasTag("server"));
        Assert.False(plain.HasTag("server"));
        Assert.NotEqual(plain, tagged);
        Assert.Equal(tagged, DecodeSpec(Encode(tagged)));
    }

    [Fact]
    public void Invalid_tags_are_refused_in_code_and_on_the_wire()
    {
        Assert.Throws<ArgumentException>(() => new NodeSpec(NodeName.Parse("a@h"), [], [], 1, ["has space"]));
        Assert.Throws<ArgumentException>(() => new NodeSpec(NodeName.Parse("a@h"), [], [], 1, [new string('t', NodeSpec.MaxTagLength + 1)]));
        Assert.Throws<WireFormatException>(() => DecodeSpec(Spec(members: 5, tags: ["bad/tag"])));
        Assert.Throws<WireFormatException>(() => DecodeSpec(Spec(members: 5, tags: Enumerable.Repeat("t", NodeSpec.MaxTags + 1).ToArray())));
    }

    [Fact]
    public void Members_appended_by_a_later_version_are_skipped()
    {
        NodeSpec spec = DecodeSpec(Spec(members: 6, tags: ["server"]));
        Assert.Equal(NodeName.Parse("a@h"), spec.Name);
        Assert.Equal(["server"], spec.Tags);
        MembershipState state = DecodeState(State([(0, 1, "a@h")], members: 5));
        Assert.Equal(1, state.Count);
    }

    public static TheoryData<string, byte[]> MalformedStates() => new()
    {
        { "too few members", State([], members: 2) },
        { "add count beyond the bytes left", State([(0, 1, "a@h")], addCount: 1_000_000) },
        { "replica index out of range", State([(2, 1, "a@h")]) },
        { "add not covered by the version vector", State([(1, 3, "a@h")]) },
        { "counter zero", State([(0, 0, "a@h")]) },
        { "version vector counter zero", State([], vector: [("a@h", 1, 0)]) },
        { "version vector out of order", State([], vector: [("b@h", 1, 1), ("a@h", 1, 1)]) },
        { "version vector repeats a replica", State([], vector: [("a@h", 1, 1), ("a@h", 1, 2)]) },
        { "invalid replica name", State([], vector: [("no at sign", 1, 1)]) },
        { "entries out of name order", State([(0, 1, "x@h"), (0, 2, "a@h")]) },
        { "dots out of order", State([(0, 2, "a@h"), (0, 1, "a@h")]) },
        { "a dot repeated under one name", State([(0, 1, "a@h"), (0, 1, "a@h")]) },
        { "a dot tagging two names", State([(0, 1, "a@h"), (0, 1, "x@h")]) },
        { "invalid member name", State([(0, 1, "bad name@h")]) },
    };

    [Theory]
    [MemberData(nameof(MalformedStates))]
    public void Malformed_states_throw(string why, byte[] bytes)
    {
        Assert.NotNull(why);
        Assert.Throws<WireFormatException>(() => DecodeState(bytes));
    }

    public static TheoryData<string, byte[]> MalformedSpecs() => new()
    {
        { "too few members", Spec(members: 3) },
        { "invalid name", Spec(name: "a@b@c") },
        { "empty name", Spec(name: "") },
        { "null host", Spec(addresses: [(null, 1)]) },
        { "empty host", Spec(addresses: [("", 1)]) },
        { "host too long", Spec(addresses: [(new string('h', 256), 1)]) },
        { "port out of range", Spec(addresses: [("h", 65536)]) },
        { "invalid channel name", Spec(channels: [("no spaces", 1, 0, 0)]) },
        { "parallelism zero", Spec(channels: [("c", 0, 0, 0)]) },
        { "parallelism too high", Spec(channels: [("c", 65, 0, 0)]) },
        { "invalid bool", Spec(channels: [("c", 1, 2, 0)]) },
        { "unknown compression", Spec(channels: [("c", 1, 0, 9)]) },
        { "repeated channel", Spec(channels: [("c", 1, 0, 0), ("d", 1, 0, 0), ("c", 2, 0, 0)]) },
        { "repeated channel among many", Spec(channels: ManyChannelsWithRepeat()) },
    };

    private static (string, uint, byte, byte)[] ManyChannelsWithRepeat()
    {
        var channels = new (string, uint, byte, byte)[12];
        for (int i = 0; i < channels.Length; i++)
        {
            channels[i] = ("c" + (i % 11).ToString(System.Globalization.CultureInfo.InvariantCulture), 1, 0, 0);
        }

        return channels;
    }

    [Theory]
    [MemberData(nameof(MalformedSpecs))]
    public void Malformed_specs_throw(string why, byte[] bytes)
    {
        Assert.NotNull(why);
        Assert.Throws<WireFormatException>(() => DecodeSpec(bytes));
    }

    [Fact]
    public void Well_formed_raw_specs_decode()
    {
        // Controls for the malformed cases: the same shapes with valid values.
        Assert.Equal(65535, DecodeSpec(Spec(addresses: [("h", 65535)])).ListenAddresses[0].Port);
        Assert.Equal(64, DecodeSpec(Spec(channels: [("c", 64, 1, 2)])).Channels[0].Parallelism);
        Assert.Equal(3, DecodeSpec(Spec(channels: [("c", 1, 0, 0), ("d", 1, 0, 0), ("e", 2, 0, 0)])).Channels.Count);
        Assert.Equal(12, DecodeSpec(Spec(channels: ManyDistinctChannels())).Channels.Count);
        Assert.Equal(255, DecodeSpec(Spec(addresses: [(new string('h', 255), 1)])).ListenAddresses[0].Host.Length);
    }

    private static (string, uint, byte, byte)[] ManyDistinctChannels()
    {
        var channels = ManyChannelsWithRepeat();
        channels[^1] = ("c99", 1, 0, 0);
        return channels;
    }

    [Fact]
    public void Writing_a_spec_with_an_invalid_address_throws()
    {
        var spec = new NodeSpec(NodeName.Parse("a@h"), [new ListenAddress("h", 70000)], [], 1);
        Assert.Throws<WireFormatException>(() => Encode(spec));
    }
}
