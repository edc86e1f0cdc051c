using Partisan.Serialization;

namespace Partisan.Delivery;

/// <summary>
/// The bytes of a <see cref="CausalStamp"/> in header field <see cref="Channels.ExtensionField.CausalClock"/>
/// (docs/wire.md): <c>string label | varuint n | string name * n | clock timestamp | varuint d | (varuint destination,
/// clock) * d</c> with <c>clock := varuint e | (varuint name, varuint64 run, varuint64 count) * e</c>, names given once and
/// referred to by index. Reading is bounded (<see cref="MaxNames"/>, <see cref="MaxEntries"/>) and never throws: a
/// malformed or oversize stamp is reported, and entries naming nodes the receiver does not know are left out.
/// </summary>
internal static class CausalStampCodec
{
    /// <summary>Distinct node names a stamp may name.</summary>
    public const int MaxNames = 1024;

    /// <summary>Entries a stamp may hold, timestamp and dependencies together.</summary>
    public const int MaxEntries = 16 * 1024;

    /// <summary>Encodes <paramref name="stamp"/>.</summary>
    public static byte[] Encode(CausalStamp stamp)
    {
        var names = new Dictionary<NodeName, int>();
        var order = new List<NodeName>();
        Index(names, order, stamp.Timestamp);
        foreach (KeyValuePair<NodeName, VectorClock> dependency in stamp.Dependencies)
        {
            Index(names, order, dependency.Key);
            Index(names, order, dependency.Value);
        }

        using var buffer = new WireBuffer(256);
        var writer = new WireWriter(buffer, WireContext.Default);
        writer.WriteString(stamp.Label);
        writer.WriteVarUInt32((uint)order.Count);
        foreach (NodeName name in order)
        {
            writer.WriteString(name.ToString());
        }

        WriteClock(ref writer, names, stamp.Timestamp);
        writer.WriteVarUInt32((uint)stamp.Dependencies.Count);
        foreach (KeyValuePair<NodeName, VectorClock> dependency in stamp.Dependencies)
        {
            writer.WriteVarUInt32((uint)names[dependency.Key]);
            WriteClock(ref writer, names, dependency.Value);
        }

        writer.Flush();
        return buffer.ToArray();
    }

    private static void Index(Dictionary<NodeName, int> names, List<NodeName> order, VectorClock clock)
    {
        foreach (NodeName name in clock.Entries.Keys)
        {
            Index(names, order, name);
        }
    }

    private static void Index(Dictionary<NodeName, int> names, List<NodeName> order, NodeName name)
    {
        if (names.TryAdd(name, order.Count))
        {
            order.Add(name);
        }
    }

    private static void WriteClock(ref WireWriter writer, Dictionary<NodeName, int> names, VectorClock clock)
    {
        writer.WriteVarUInt32((uint)clock.Count);
        foreach (KeyValuePair<NodeName, ClockEntry> entry in clock.Entries)
        {
            writer.WriteVarUInt32((uint)names[entry.Key]);
            writer.WriteVarUInt64(entry.Value.Run);
            writer.WriteVarUInt64(entry.Value.Count);
        }
    }

    /// <summary>
    /// Reads a stamp; null with <paramref name="problem"/> set when the bytes are malformed or over the bounds.
    /// Entries for nodes <paramref name="isKnown"/> refuses are left out and counted in <paramref name="unknown"/>.
    /// </summary>
    public static CausalStamp? TryDecode(ReadOnlyMemory<byte> bytes, Func<NodeName, bool> isKnown, out string? problem, out int unknown)
    {
        problem = null;
        unknown = 0;
        var reader = new WireReader(bytes, WireContext.Default);
        try
        {
            string? label = reader.ReadString();
            if (string.IsNullOrEmpty(label) || label.Length > 64)
            {
                problem = "the label is empty or longer than 64 characters";
                return null;
            }

            uint count = reader.ReadVarUInt32();
            if (count > MaxNames)
            {
                problem = $"it names {count} nodes, more than {MaxNames}";
                return null;
            }

            var names = new NodeName?[count];
            for (int i = 0; i < names.Length; i++)
            {
                if (!NodeName.TryParse(reader.ReadString(), out NodeName name))
                {
                    problem = "a node name is malformed";
                    return null;
                }

                names[i] = isKnown(name) ? name : null;
                unknown += names[i] is null ? 1 : 0;
            }

            int entries = 0;
            VectorClock? timestamp = ReadClock(ref reader, names, ref entries, ref problem);
            uint destinations = reader.ReadVarUInt32();
            if (timestamp is null || destinations > count)
            {
                problem ??= $"{destinations} dependencies for {count} names";
                return null;
            }

            var dependencies = new Dictionary<NodeName, VectorClock>((int)destinations);
            for (uint i = 0; i < destinations; i++)
            {
                uint index = reader.ReadVarUInt32();
                VectorClock? clock = ReadClock(ref reader, names, ref entries, ref problem);
                if (clock is null || index >= count)
                {
                    problem ??= "a dependency names no node of the stamp";
                    return null;
                }

                if (names[index] is { } destination && !dependencies.TryAdd(destination, clock))
                {
                    problem = "a destination appears twice";
                    return null;
                }
            }

            if (!reader.End)
            {
                problem = "bytes follow the stamp";
                return null;
            }

            return new CausalStamp(label, timestamp, dependencies);
        }
        catch (WireFormatException ex)
        {
            problem = ex.Message;
            return null;
        }
    }

    private static VectorClock? ReadClock(ref WireReader reader, NodeName?[] names, ref int entries, ref string? problem)
    {
        uint count = reader.ReadVarUInt32();
        if (count > names.Length || (entries += (int)count) > MaxEntries)
        {
            problem = $"a clock of {count} entries, or more than {MaxEntries} in all";
            return null;
        }

        var clock = new VectorClock();
        for (uint i = 0; i < count; i++)
        {
            uint index = reader.ReadVarUInt32();
            var entry = new ClockEntry(reader.ReadVarUInt64(), reader.ReadVarUInt64());
            if (index >= names.Length)
            {
                problem = $"a clock entry names node {index} of {names.Length}";
                return null;
            }

            if (names[index] is not { } name)
            {
                continue;
            }

            if (clock.Entries.ContainsKey(name))
            {
                problem = "a clock names a node twice";
                return null;
            }

            clock[name] = entry;
        }

        return clock;
    }
}
