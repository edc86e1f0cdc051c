using System.Text;

namespace Partisan.Serialization;

/// <summary>
/// Turns the UTF-8 bytes of a node name into a <see cref="NodeName"/> without allocating when the
/// same name was seen recently (every message carries node names, and a cluster has few).
/// A fixed table indexed by a hash of the bytes; entries are immutable and swapped atomically.
/// </summary>
internal static class NodeNameCache
{
    private const int Size = 256;
    private static readonly Entry?[] Table = new Entry?[Size];

    private sealed record Entry(byte[] Utf8, NodeName Name);

    public static NodeName Get(ReadOnlySpan<byte> utf8)
    {
        uint hash = 2166136261;
        foreach (byte b in utf8)
        {
            hash = (hash ^ b) * 16777619;
        }

        int slot = (int)(hash % Size);
        Entry? entry = Volatile.Read(ref Table[slot]);
        if (entry is not null && utf8.SequenceEqual(entry.Utf8))
        {
            return entry.Name;
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException ex)
        {
            throw new WireFormatException("A node name is not valid UTF-8.", ex);
        }

        if (!NodeName.TryParse(text, out NodeName name))
        {
            throw new WireFormatException("Invalid node name on the wire: " + NodeName.Validate(text));
        }

        Volatile.Write(ref Table[slot], new Entry(utf8.ToArray(), name));
        return name;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
}
