using Partisan.Serialization;

namespace Partisan.Membership;

/// <summary>
/// Formatter for <see cref="MembershipState"/>, an object (see <see cref="WireWriter.BeginObject"/>) of 3 members:
/// <list type="number">
/// <item>the owner's spec (<see cref="NodeSpecFormatter"/>), which becomes <see cref="MembershipState.Self"/> of the
/// state read: a state read from the wire is owned by its sender;</item>
/// <item>the version vector: a varint count, then per replica, in ascending (name, incarnation) order, the node
/// name, the incarnation (zig-zag varint) and the highest counter seen (varint, at least 1);</item>
/// <item>the surviving adds: a varint count, then per add, in ascending (name, replica, counter) order, the index
/// of its replica in the version vector (varint), its counter (varint, from 1 to the vector's counter for that
/// replica) and the spec added (<see cref="NodeSpecFormatter"/>), whose name is the member's name.</item>
/// </list>
/// Reading checks every invariant the merge relies on (order, no duplicates, every add covered by the version
/// vector) and throws <see cref="WireFormatException"/> on any violation, so a peer cannot inject a state that
/// breaks convergence.
/// </summary>
public sealed class MembershipStateFormatter : WireFormatter<MembershipState>
{
    /// <summary>The id reserved for <see cref="MembershipState"/> (wire version 1).</summary>
    internal const uint TypeId = WireTypeIds.FirstInternal + 0;

    /// <summary>Registers <see cref="MembershipState"/> with its reserved id.</summary>
    internal static void Register(TypeRegistry registry) => registry.RegisterInternal(new MembershipStateFormatter(), TypeId);

    /// <inheritdoc />
    public override void Write(ref WireWriter writer, MembershipState value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WireObjectScope scope = writer.BeginObject(3);
        NodeSpecFormatter.Encode(ref writer, value.Self);

        ReadOnlySpan<Dot> context = value.Context;
        writer.WriteVarUInt32((uint)context.Length);
        foreach (Dot dot in context)
        {
            NodeNameFormatter.Encode(ref writer, dot.Replica.Node);
            writer.WriteVarInt64(dot.Replica.Incarnation);
            writer.WriteVarUInt64((ulong)dot.Counter);
        }

        ReadOnlySpan<NameEntry> entries = value.Entries;
        int total = 0;
        foreach (NameEntry entry in entries)
        {
            total += entry.Dots.Length;
        }

        writer.WriteVarUInt32((uint)total);
        foreach (NameEntry entry in entries)
        {
            foreach (DottedSpec add in entry.Dots)
            {
                writer.WriteVarUInt32((uint)MembershipState.FindReplica(context, add.Dot.Replica));
                writer.WriteVarUInt64((ulong)add.Dot.Counter);
                NodeSpecFormatter.Encode(ref writer, add.Spec);
            }
        }

        writer.EndObject(scope);
    }

    /// <inheritdoc />
    public override MembershipState Read(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        if (members < 3)
        {
            throw new WireFormatException($"A membership state has {members} members; 3 are required.");
        }

        NodeSpec self = NodeSpecFormatter.Decode(ref reader);

        // Smallest replica: a 3-character name (4 bytes), a 1-byte incarnation and a 1-byte counter.
        int replicaCount = reader.ReadCount("version vector", 6);
        var context = new Dot[replicaCount];
        for (int i = 0; i < replicaCount; i++)
        {
            NodeName node = NodeNameFormatter.Decode(ref reader);
            long incarnation = reader.ReadVarInt64();
            long counter = ReadCounter(ref reader);
            var dot = new Dot(new ReplicaId(node, incarnation), counter);
            if (i > 0 && context[i - 1].Replica >= dot.Replica)
            {
                throw new WireFormatException($"The version vector is not in ascending order, or repeats a replica, at {dot.Replica}.");
            }

            context[i] = dot;
        }

        // Smallest add: 1-byte index, 1-byte counter, and a spec object of at least 12 bytes.
        int addCount = reader.ReadCount("membership entry", 14);
        var entries = new List<NameEntry>();
        var group = new List<DottedSpec>();
        var unique = new HashSet<Dot>(addCount);
        for (int i = 0; i < addCount; i++)
        {
            uint index = reader.ReadVarUInt32();
            if (index >= (uint)replicaCount)
            {
                throw new WireFormatException($"A membership entry names replica {index}, but the version vector has {replicaCount}.");
            }

            ReplicaId replica = context[index].Replica;
            long counter = ReadCounter(ref reader);
            if (counter > context[index].Counter)
            {
                throw new WireFormatException($"Membership entry {replica}:{counter} is not covered by the version vector ({context[index]}).");
            }

            var dot = new Dot(replica, counter);
            NodeSpec spec = NodeSpecFormatter.Decode(ref reader);
            if (group.Count > 0)
            {
                DottedSpec previous = group[^1];
                int order = spec.Name.CompareTo(previous.Spec.Name);
                if (order < 0 || (order == 0 && dot <= previous.Dot))
                {
                    throw new WireFormatException($"Membership entries are not in ascending order at {spec.Name} {dot}.");
                }

                if (order > 0)
                {
                    entries.Add(new NameEntry(previous.Spec.Name, group.ToArray()));
                    group.Clear();
                }
            }

            if (!unique.Add(dot))
            {
                throw new WireFormatException($"Dot {dot} tags more than one membership entry.");
            }

            group.Add(new DottedSpec(dot, spec));
        }

        if (group.Count > 0)
        {
            entries.Add(new NameEntry(group[0].Spec.Name, group.ToArray()));
        }

        reader.EndObject(scope);
        return new MembershipState(self, entries.ToArray(), context);
    }

    private static long ReadCounter(ref WireReader reader)
    {
        ulong counter = reader.ReadVarUInt64();
        return counter is 0 or > long.MaxValue
            ? throw new WireFormatException($"Dot counter {counter} is out of range.")
            : (long)counter;
    }
}
