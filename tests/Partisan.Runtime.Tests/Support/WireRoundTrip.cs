using Partisan.Serialization;

namespace Partisan.Tests.Support;

/// <summary>Encodes and decodes one object as a frame carries it (with its type descriptor), for formatter tests.</summary>
internal static class WireRoundTrip
{
    /// <summary>The bytes of <paramref name="message"/> written as an object.</summary>
    public static byte[] Encode(object? message)
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, WireContext.Default);
        writer.WriteObject(message);
        writer.Flush();
        return buffer.ToArray();
    }

    /// <summary>Reads one object from <paramref name="bytes"/>, checking that every byte was consumed.</summary>
    public static object? Decode(byte[] bytes)
    {
        var reader = new WireReader(bytes, WireContext.Default);
        object? message = reader.ReadObject();
        Assert.True(reader.End, "every byte consumed");
        return message;
    }
}
