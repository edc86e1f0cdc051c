using Partisan.Serialization;

namespace Partisan.Tests.Serialization;

public class ObjectCollectionTests
{
    private static object? RoundTrip(object? value)
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, WireContext.Default);
        writer.WriteObject(value);
        writer.Flush();
        var reader = new WireReader(buffer.ToArray(), WireContext.Default);
        object? back = reader.ReadObject();
        Assert.True(reader.End);
        return back;
    }

    [Fact]
    public void Collections_of_object_carry_a_descriptor_per_element()
    {
        var node = NodeName.Parse("a@h");
        object?[] tuple = [1, "two", null, 3.5, new Pid(node, 4), new List<object?> { 5L, "six" }];

        var back = Assert.IsType<object?[]>(RoundTrip(tuple));

        Assert.Equal(1, back[0]);
        Assert.Equal("two", back[1]);
        Assert.Null(back[2]);
        Assert.Equal(3.5, back[3]);
        Assert.Equal(new Pid(node, 4), back[4]);
        Assert.Equal(new List<object?> { 5L, "six" }, Assert.IsType<List<object?>>(back[5]));
    }

    [Fact]
    public void A_dictionary_of_string_to_object_round_trips()
    {
        var map = new Dictionary<string, object?> { ["n"] = 1, ["s"] = "x", ["list"] = new List<int> { 1, 2 } };

        var back = Assert.IsType<Dictionary<string, object?>>(RoundTrip(map));

        Assert.Equal(1, back["n"]);
        Assert.Equal("x", back["s"]);
        Assert.Equal(new List<int> { 1, 2 }, back["list"]);
    }

    [Fact]
    public void The_object_argument_id_alone_is_not_a_message_type()
    {
        var reader = new WireReader(new byte[] { (byte)WireTypeIds.ObjectArgument, 0 }, WireContext.Default);
        WireFormatException error;
        try
        {
            reader.ReadObject();
            throw new InvalidOperationException("no error");
        }
        catch (WireFormatException ex)
        {
            error = ex;
        }

        Assert.Contains("Unknown type id", error.Message);
    }
}
