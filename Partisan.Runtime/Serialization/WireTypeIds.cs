namespace Partisan.Serialization;

/// <summary>
/// The one type id space, shared by user messages and the runtime's control messages. 0 is null; 1–99 built-in
/// scalar types; 100–149 generic constructors (their arguments follow as nested descriptors); 150–999 the runtime's
/// own messages, whose ids their subsystems reserve and register; user types get ids of 1000 and above (a stable hash
/// of the type name unless given explicitly). docs/wire.md lists every reserved id.
/// </summary>
public static class WireTypeIds
{
#pragma warning disable CS1591 // the names say what they are
    public const uint Null = 0;
    public const uint Bool = 1;
    public const uint Byte = 2;
    public const uint SByte = 3;
    public const uint Int16 = 4;
    public const uint UInt16 = 5;
    public const uint Int32 = 6;
    public const uint UInt32 = 7;
    public const uint Int64 = 8;
    public const uint UInt64 = 9;
    public const uint Single = 10;
    public const uint Double = 11;
    public const uint Decimal = 12;
    public const uint Char = 13;
    public const uint String = 14;
    public const uint ByteArray = 15;
    public const uint Guid = 16;
    public const uint DateTime = 17;
    public const uint DateTimeOffset = 18;
    public const uint TimeSpan = 19;
    public const uint Pid = 20;
    public const uint Ref = 21;
    public const uint RemoteRef = 22;
    public const uint ProcessRef = 23;
    public const uint NodeName = 24;
    public const uint ExitReason = 25;
    public const uint ReadOnlyMemoryOfByte = 26;
    public const uint Down = 27;
    public const uint NodeUp = 28;
    public const uint NodeDown = 29;

    // 30–34 are reserved for the runtime's request/reply messages (see docs/wire.md).

    /// <summary>`object` as a collection's type argument: each element carries its own descriptor.</summary>
    public const uint ObjectArgument = 35;
    public const uint PooledBytes = 36;

    public const uint ArrayOf = 100;
    public const uint ListOf = 101;
    public const uint DictionaryOf = 102;
    public const uint NullableOf = 103;
    public const uint HashSetOf = 104;
#pragma warning restore CS1591

    /// <summary>First id of the runtime's own messages; each subsystem reserves its ids in this range (up to 999) and registers them itself.</summary>
    public const uint FirstInternal = 150;

    /// <summary>First id available to user types.</summary>
    public const uint FirstUser = 1000;

    /// <summary>The id a user type gets by default: FNV-1a of its full name, moved above the reserved range.</summary>
    public static uint StableHash(string typeName)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        uint hash = 2166136261;
        foreach (char c in typeName)
        {
            hash ^= c;
            hash *= 16777619;
        }

        return hash < FirstUser ? hash + FirstUser : hash;
    }
}
