using System.Buffers;
using Partisan.Serialization;

namespace Partisan.Tests.Serialization;

public class WireSmokeTests
{
    [Fact]
    public void Polymorphic_list_of_pids_round_trips()
    {
        var node = NodeName.Parse("a@127.0.0.1");
        var value = new List<Pid> { new(node, 1), new(node, 42) };
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, WireContext.Default);
        writer.WriteObject(value);
        writer.Flush();
        var reader = new WireReader(new ReadOnlySequence<byte>(buffer.ToArray()), WireContext.Default);
        var back = Assert.IsType<List<Pid>>(reader.ReadObject());
        Assert.Equal(value, back);
        Assert.True(reader.End);
    }
}
