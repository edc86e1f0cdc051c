using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Partisan.Serialization;
using Partisan.Tests.Serialization;
using static Partisan.Tests.Serialization.WireTestKit;

namespace Partisan.Tests.References;

/// <summary>Pid, Ref, ProcessRef and RemoteRef on the wire, in the tuple form and the URI form (with and without padding).</summary>
public class RemoteRefWireTests
{
    private static void InEveryFormat<T>(Gen<T> gen, int maxTest = 60)
    {
        Check(
            gen,
            value =>
            {
                foreach (WireContext write in AllRefFormats)
                {
                    Assert.Equal(value, RoundTrip(value, write));
                    foreach (WireContext read in AllRefFormats)
                    {
                        // A reader accepts both forms whatever its own setting.
                        Assert.Equal(value, Decode<T>(Encode(value, write), read));
                        Assert.Equal(value, DecodeObject(EncodeObject(value, write), read));
                    }
                }
            },
            maxTest);
    }

    [Fact]
    public void Pids_round_trip_in_every_format() => InEveryFormat(Gens.UriPid);

    [Fact]
    public void Refs_round_trip_in_every_format() => InEveryFormat(Gens.UriRef);

    [Fact]
    public void Process_refs_to_pids_and_names_round_trip_in_every_format() => InEveryFormat(Gens.UriProcessRef);

    [Fact]
    public void Remote_refs_of_every_kind_round_trip_in_every_format() => InEveryFormat(Gens.RemoteRef);

    [Fact]
    public void Edge_ids_round_trip_in_every_format()
    {
        var node = NodeName.Parse("edge@127.0.0.1");
        foreach (long id in new[] { 0L, 1L, 9L, 10L, long.MaxValue })
        {
            foreach (WireContext context in AllRefFormats)
            {
                Assert.Equal(new Pid(node, id), RoundTrip(new Pid(node, id), context));
                Assert.Equal(new Ref(node, id), RoundTrip(new Ref(node, id), context));
            }
        }
    }

    [Fact]
    public void The_tuple_form_carries_negative_ids() =>
        Check(Gens.Pid, pid => Assert.Equal(pid, RoundTrip(pid, TupleWire)), 100);

    [Fact]
    public void The_uri_form_refuses_to_write_a_negative_id_it_could_not_read_back()
    {
        var pid = new Pid(NodeName.Parse("n@h"), -5);
        foreach (WireContext context in new[] { UriWire, PaddedUriWire })
        {
            var ex = Assert.Throws<WireFormatException>(() => Encode(pid, context));
            Assert.Contains("negative", ex.Message, StringComparison.Ordinal);
            Assert.Throws<WireFormatException>(() => Encode(new Ref(pid.Node, long.MinValue), context));
        }
    }

    [Fact]
    public void The_uri_form_writes_the_uri_string_after_a_tag()
    {
        var pid = new Pid(NodeName.Parse("n1@10.0.0.1"), 813);
        byte[] bytes = Encode(pid, UriWire);
        Assert.Equal(1, bytes[0]);
        var reader = new WireReader((ReadOnlyMemory<byte>)bytes.AsMemory(1), UriWire);
        Assert.Equal("partisan:pid:n1@10.0.0.1:813", reader.ReadString());
        Assert.True(reader.End);
    }

    [Fact]
    public void The_padded_uri_form_carries_exactly_65_bytes_of_uri()
    {
        Check(
            Gens.RemoteRef,
            value =>
            {
                byte[] bytes = Encode(value, PaddedUriWire);
                var reader = new WireReader((ReadOnlyMemory<byte>)bytes.AsMemory(1), PaddedUriWire);
                string uri = reader.ReadString()!;
                int unpadded = Encoding.UTF8.GetByteCount(value.ToUri());
                Assert.Equal(Math.Max(unpadded, RemoteRef.PaddedUriLength), Encoding.UTF8.GetByteCount(uri));
                Assert.Equal(value, RemoteRef.ParseUri(uri));
            },
            100);
    }

    [Fact]
    public void The_tuple_form_is_tag_kind_node_id()
    {
        var node = NodeName.Parse("a@b");
        byte[] bytes = Encode(new Ref(node, 3), TupleWire);
        Assert.Equal(new byte[] { 0, (byte)RemoteRefKind.Ref, 4, (byte)'a', (byte)'@', (byte)'b', 6 }, bytes);
    }

    [Fact]
    public void A_pid_is_not_read_from_a_ref_and_vice_versa()
    {
        var node = NodeName.Parse("a@b");
        foreach (WireContext context in AllRefFormats)
        {
            byte[] pidBytes = Encode(new Pid(node, 1), context);
            byte[] refBytes = Encode(new Ref(node, 1), context);
            Assert.Throws<WireFormatException>(() => Decode<Ref>(pidBytes, context));
            Assert.Throws<WireFormatException>(() => Decode<Pid>(refBytes, context));
            Assert.Throws<WireFormatException>(() => Decode<ProcessRef>(refBytes, context));
            Assert.Throws<WireFormatException>(() => Decode<Pid>(Encode(RemoteRef.FromName("x", node), context), context));
            Assert.Equal(ProcessRef.ForPid(new Pid(node, 1)), Decode<ProcessRef>(pidBytes, context));
            Assert.Equal(RemoteRef.FromRef(new Ref(node, 1)), Decode<RemoteRef>(refBytes, context));
        }
    }

    [Fact]
    public void Default_references_cannot_be_written_in_any_format()
    {
        foreach (WireContext context in AllRefFormats)
        {
            Assert.Throws<WireFormatException>(() => Encode(default(Pid), context));
            Assert.Throws<WireFormatException>(() => Encode(default(Ref), context));
            Assert.Throws<WireFormatException>(() => Encode(default(RemoteRef), context));
            Assert.Throws<WireFormatException>(() => Encode(default(ProcessRef), context));
        }
    }

    [Fact]
    public void References_as_members_of_collections_round_trip_in_every_format()
    {
        foreach (WireContext context in AllRefFormats)
        {
            Check(
                Gen.ListOf(Gens.RemoteRef).Select(l => l.ToArray()),
                v => Assert.Equal(v, RoundTrip(v, context)),
                20);
        }
    }
}
