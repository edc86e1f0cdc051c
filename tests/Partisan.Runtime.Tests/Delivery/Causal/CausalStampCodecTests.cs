using Partisan.Delivery;
using Partisan.Serialization;

namespace Partisan.Tests.Delivery.Causal;

/// <summary>Bad input in the causal header field: malformed, oversize, or naming nodes the receiver does not know. Reported, never thrown.</summary>
public class CausalStampCodecTests
{
    private static readonly NodeName A = NodeName.Parse("a@127.0.0.1");
    private static readonly NodeName B = NodeName.Parse("b@127.0.0.1");
    private static readonly NodeName Stranger = NodeName.Parse("stranger@10.0.0.9");

    private static CausalStamp Sample()
    {
        var timestamp = new VectorClock { [A] = new ClockEntry(1, 3), [Stranger] = new ClockEntry(4, 9) };
        var dependency = new VectorClock { [A] = new ClockEntry(1, 2), [Stranger] = new ClockEntry(4, 1) };
        return new CausalStamp("l", timestamp, new Dictionary<NodeName, VectorClock> { [B] = dependency, [Stranger] = dependency.Copy() });
    }

    [Fact]
    public void Entries_naming_nodes_the_receiver_does_not_know_are_left_out_and_counted()
    {
        CausalStamp read = CausalStampCodec.TryDecode(CausalStampCodec.Encode(Sample()), n => n != Stranger, out string? problem, out int unknown)!;
        Assert.Null(problem);
        Assert.Equal(1, unknown);
        Assert.Equal([A], read.Timestamp.Entries.Keys);
        Assert.Equal([B], read.Dependencies.Keys);
        Assert.Equal(new ClockEntry(1, 2), read.DependencyOf(B)![A]);
    }

    [Fact]
    public void Every_truncation_of_a_stamp_is_reported_as_malformed_and_never_throws()
    {
        byte[] whole = CausalStampCodec.Encode(Sample());
        for (int length = 0; length < whole.Length; length++)
        {
            Assert.Null(CausalStampCodec.TryDecode(whole.AsMemory(0, length), _ => true, out string? problem, out _));
            Assert.NotNull(problem);
        }
    }

    [Fact]
    public void Bytes_after_the_stamp_are_malformed()
    {
        byte[] whole = [.. CausalStampCodec.Encode(Sample()), 0];
        Assert.Null(CausalStampCodec.TryDecode(whole, _ => true, out string? problem, out _));
        Assert.Equal("bytes follow the stamp", problem);
    }

    [Fact]
    public void A_stamp_naming_more_nodes_than_the_limit_is_refused_before_reading_them()
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, WireContext.Default);
        writer.WriteString("l");
        writer.WriteVarUInt32(CausalStampCodec.MaxNames + 1);
        writer.Flush();
        Assert.Null(CausalStampCodec.TryDecode(buffer.ToArray(), _ => true, out string? problem, out _));
        Assert.Contains("more than 1024", problem);
    }

    [Fact]
    public void A_stamp_with_more_entries_than_the_limit_is_refused()
    {
        // 200 names and 100 dependencies of 200 entries each: 20,200 entries, past the limit of 16,384 (and within 64 KiB? no matter: refused by count).
        var names = Enumerable.Range(0, 200).Select(i => NodeName.Parse($"n{i}@127.0.0.1")).ToArray();
        var full = new VectorClock();
        foreach (NodeName name in names)
        {
            full[name] = new ClockEntry(1, 1);
        }

        var dependencies = names.Take(100).ToDictionary(n => n, _ => full.Copy());
        byte[] bytes = CausalStampCodec.Encode(new CausalStamp("l", full, dependencies));
        Assert.Null(CausalStampCodec.TryDecode(bytes, _ => true, out string? problem, out _));
        Assert.Contains("more than 16384 in all", problem);
    }

    [Fact]
    public void A_clock_entry_pointing_past_the_name_table_or_a_repeated_name_is_malformed()
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, WireContext.Default);
        writer.WriteString("l");
        writer.WriteVarUInt32(1);
        writer.WriteString(A.ToString());
        writer.WriteVarUInt32(1); // one entry
        writer.WriteVarUInt32(5); // name 5 of 1
        writer.WriteVarUInt64(1);
        writer.WriteVarUInt64(1);
        writer.WriteVarUInt32(0);
        writer.Flush();
        Assert.Null(CausalStampCodec.TryDecode(buffer.ToArray(), _ => true, out string? problem, out _));
        Assert.Contains("names node 5 of 1", problem);
    }
}
