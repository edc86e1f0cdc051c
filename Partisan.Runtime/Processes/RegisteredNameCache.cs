using System.Text;
using Partisan.Serialization;

namespace Partisan;

/// <summary>
/// Reads a message's target name without allocating a string each time: the last names seen, by their UTF-8 bytes
/// (direct-mapped, 256 entries, checked once when they enter). A sink addressed by name received a new string with
/// every message before.
/// </summary>
internal static class RegisteredNameCache
{
    private const int Size = 256;
    private const int MaxBytes = RegisteredName.MaxLength * 3; // a UTF-16 unit is at most 3 UTF-8 bytes
    private static readonly Entry?[] Table = new Entry?[Size];
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private sealed record Entry(byte[] Utf8, string Name);

    /// <summary>Reads a length-prefixed registered name.</summary>
    /// <exception cref="WireFormatException">The name is missing, too long, not UTF-8 or not a valid registered name.</exception>
    public static string Read(ref WireReader reader)
    {
        int length = reader.ReadLengthPrefix("registered name");
        if (length < 1 || length > MaxBytes)
        {
            throw new WireFormatException($"Invalid registered name length {length}.");
        }

        Span<byte> utf8 = stackalloc byte[length];
        reader.ReadRaw(utf8);
        uint hash = 2166136261;
        foreach (byte b in utf8)
        {
            hash = (hash ^ b) * 16777619;
        }

        ref Entry? slot = ref Table[hash % Size];
        Entry? entry = Volatile.Read(ref slot);
        if (entry is not null && utf8.SequenceEqual(entry.Utf8))
        {
            return entry.Name;
        }

        string name;
        try
        {
            name = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException ex)
        {
            throw new WireFormatException("A registered name is not valid UTF-8.", ex);
        }

        if (RegisteredName.Validate(name) is { } error)
        {
            throw new WireFormatException(error);
        }

        Volatile.Write(ref slot, new Entry(utf8.ToArray(), name));
        return name;
    }
}
