using System.Text;
using Partisan.Serialization;

namespace Partisan.Tests.Processes;

/// <summary>A message's target name is read without a new string each time, and a bad one is still refused.</summary>
public class RegisteredNameCacheTests
{
    private static byte[] Encoded(byte[] utf8)
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, WireContext.Default);
        writer.WriteVarUInt32((uint)utf8.Length + 1); // the length prefix: n + 1
        writer.WriteRaw(utf8);
        writer.Flush();
        return buffer.ToArray();
    }

    private static string Read(byte[] bytes)
    {
        var reader = new WireReader(bytes, WireContext.Default);
        string name = RegisteredNameCache.Read(ref reader);
        Assert.True(reader.End, "every byte consumed");
        return name;
    }

    [Fact]
    public void The_same_name_read_twice_is_the_same_string()
    {
        byte[] bytes = Encoded(Encoding.UTF8.GetBytes("sink-é-7"));
        string first = Read(bytes);
        Assert.Equal("sink-é-7", first);
        Assert.Same(first, Read(bytes));
    }

    [Fact]
    public void Names_that_share_a_slot_each_read_back_as_themselves()
    {
        for (int i = 0; i < 2000; i++)
        {
            Assert.Equal("p" + i, Read(Encoded(Encoding.UTF8.GetBytes("p" + i))));
        }
    }

    [Theory]
    [InlineData("with:colon")]
    [InlineData("with space")]
    [InlineData("tab\t")]
    public void An_invalid_name_is_refused(string name)
    {
        WireFormatException ex = Assert.Throws<WireFormatException>(() => Read(Encoded(Encoding.UTF8.GetBytes(name))));
        Assert.Contains("registered name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_refused()
    {
        WireFormatException ex = Assert.Throws<WireFormatException>(() => Read(Encoded([0x61, 0xFF, 0x62])));
        Assert.Contains("UTF-8", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(RegisteredName.MaxLength * 3 + 1)]
    public void An_empty_or_oversize_name_is_refused(int length)
    {
        Assert.Throws<WireFormatException>(() => Read(Encoded(Enumerable.Repeat((byte)'a', length).ToArray())));
    }
}
