using Partisan.Overlays.HyParView;
using Partisan.Serialization;
using Partisan.Tests.Membership;

namespace Partisan.Tests.Overlays;

/// <summary>The wire format of <see cref="HyParViewMessage"/>: every kind round-trips; malformed messages are refused.</summary>
public class HyParViewMessageFormatterTests
{
    private static readonly HyParViewMessageFormatter Formatter = new();
    private static readonly NodeSpec A = new(NodeName.Parse("a@h"), [new ListenAddress("h", 1)], [], 5, ["server"]);
    private static readonly NodeSpec B = new(NodeName.Parse("b@h"), [new ListenAddress("h", 2)], [], 6);

    private static byte[] Encode(HyParViewMessage message)
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, WireContext.Default);
        Formatter.Write(ref writer, message);
        writer.Flush();
        return buffer.ToArray();
    }

    private static HyParViewMessage Decode(byte[] bytes)
    {
        var reader = new WireReader(bytes, WireContext.Default);
        HyParViewMessage message = Formatter.Read(ref reader);
        Assert.True(reader.End, "every byte consumed");
        return message;
    }

    public static TheoryData<string> Kinds() => new(Enum.GetNames<HyParViewMessageKind>());

    private static HyParViewMessage Sample(HyParViewMessageKind kind) => kind switch
    {
        HyParViewMessageKind.Join => HyParViewMessage.Join(A),
        HyParViewMessageKind.ForwardJoin => HyParViewMessage.ForwardJoin(A, B, 4),
        HyParViewMessageKind.Neighbour => HyParViewMessage.Neighbour(A, B, 9),
        HyParViewMessageKind.NeighbourRequest => HyParViewMessage.NeighbourRequest(A, B, highPriority: true, 10),
        HyParViewMessageKind.NeighbourReply => HyParViewMessage.NeighbourReply(A, accepted: false, 11),
        HyParViewMessageKind.Disconnect => HyParViewMessage.Disconnect(A, leaving: true, 12),
        HyParViewMessageKind.Shuffle => HyParViewMessage.Shuffle(A, B, [A, B], 3, 77),
        HyParViewMessageKind.ShuffleReply => HyParViewMessage.ShuffleReply(A, [B], 77),
        HyParViewMessageKind.RouteRequest => HyParViewMessage.RouteRequest(A, B, NodeName.Parse("z@h"), 5, 8, 2),
        HyParViewMessageKind.RouteReply => HyParViewMessage.RouteReply(A, B, NodeName.Parse("z@h"), 3),
        HyParViewMessageKind.RouteError => HyParViewMessage.RouteError(A, NodeName.Parse("z@h")),
        HyParViewMessageKind.LeaveRequest => HyParViewMessage.LeaveRequest(A),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_kind_round_trips(string name)
    {
        HyParViewMessage message = Sample(Enum.Parse<HyParViewMessageKind>(name));
        HyParViewMessage back = Decode(Encode(message));
        Assert.Equal(message.Kind, back.Kind);
        Assert.Equal(message.Sender, back.Sender);
        Assert.Equal(message.Subject, back.Subject);
        Assert.Equal(message.Target, back.Target);
        Assert.Equal(message.Ttl, back.Ttl);
        Assert.Equal(message.Id, back.Id);
        Assert.Equal(message.Sequence, back.Sequence);
        Assert.Equal(message.Flag, back.Flag);
        Assert.Equal(message.Sample, back.Sample);
        Assert.Equal(Encode(message), Encode(back));
    }

    [Fact]
    public void Messages_travel_with_their_reserved_type_id()
    {
        Assert.True(TypeRegistry.Default.TryGetTypeId(typeof(HyParViewMessage), out uint id));
        Assert.Equal(HyParViewMessageFormatter.TypeId, id);
    }

    private static byte[] Raw(byte kind, bool subject, bool target, uint ttl, uint sampleCount, int members = 9)
    {
        using var buffer = new WireBuffer();
        var w = new WireWriter(buffer, WireContext.Default);
        WireObjectScope scope = w.BeginObject(members);
        w.WriteByte(kind);
        NodeSpecFormatter.Encode(ref w, A);
        w.WriteBool(subject);
        if (subject)
        {
            NodeSpecFormatter.Encode(ref w, B);
        }

        w.WriteBool(target);
        if (target)
        {
            NodeNameFormatter.Encode(ref w, B.Name);
        }

        w.WriteVarUInt32(ttl);
        w.WriteVarInt64(1);
        w.WriteVarInt64(1);
        w.WriteBool(false);
        w.WriteVarUInt32(sampleCount);
        for (uint i = 0; i < sampleCount; i++)
        {
            NodeSpecFormatter.Encode(ref w, B);
        }

        w.EndObject(scope);
        w.Flush();
        return buffer.ToArray();
    }

    public static TheoryData<string, byte[]> Malformed() => new()
    {
        { "unknown kind", Raw(99, false, false, 0, 0) },
        { "kind zero", Raw(0, false, false, 0, 0) },
        { "forward join without its joiner", Raw((byte)HyParViewMessageKind.ForwardJoin, false, false, 3, 0) },
        { "route request without a destination", Raw((byte)HyParViewMessageKind.RouteRequest, true, false, 3, 0) },
        { "route error without a destination", Raw((byte)HyParViewMessageKind.RouteError, false, false, 0, 0) },
        { "a ttl above the limit", Raw((byte)HyParViewMessageKind.Shuffle, true, false, HyParViewMessageFormatter.MaxTtl + 1, 0) },
        { "a sample above the limit", Raw((byte)HyParViewMessageKind.ShuffleReply, false, false, 0, HyParViewMessage.MaxSample + 1) },
        { "too few members", Raw((byte)HyParViewMessageKind.Join, false, false, 0, 0, members: 8) },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_messages_are_refused(string why, byte[] bytes)
    {
        Assert.False(string.IsNullOrEmpty(why));
        Assert.Throws<WireFormatException>(() => Decode(bytes));
    }

    [Fact]
    public void Every_truncation_is_refused()
    {
        byte[] bytes = Encode(HyParViewMessage.Shuffle(A, B, [A, B], 3, 77));
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<WireFormatException>(() => Decode(bytes[..length]));
        }
    }
}
