using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;

namespace Partisan.Membership;

/// <content>The sorted-array operations behind Add, Remove and Merge: entries sorted by name, version vectors sorted by replica, merged in one pass each.</content>
public sealed partial class MembershipState
{
    private static NodeSpec Choose(DottedSpec[] dots)
    {
        DottedSpec best = dots[0];
        for (int i = 1; i < dots.Length; i++)
        {
            DottedSpec candidate = dots[i];
            if (candidate.Spec.Incarnation > best.Spec.Incarnation ||
                (candidate.Spec.Incarnation == best.Spec.Incarnation && candidate.Dot > best.Dot))
            {
                best = candidate;
            }
        }

        return best.Spec;
    }

    /// <summary>The index of <paramref name="name"/> in <paramref name="entries"/>, or the complement of where it would go.</summary>
    private static int FindEntry(NameEntry[] entries, NodeName name)
    {
        int low = 0;
        int high = entries.Length - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            int order = entries[middle].Name.CompareTo(name);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }

    /// <summary>The index of <paramref name="replica"/> in a version vector, or the complement of where it would go.</summary>
    internal static int FindReplica(ReadOnlySpan<Dot> context, ReplicaId replica)
    {
        int low = 0;
        int high = context.Length - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            int order = context[middle].Replica.CompareTo(replica);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }

    private static long CounterOf(Dot[] context, ReplicaId replica)
    {
        int index = FindReplica(context, replica);
        return index >= 0 ? context[index].Counter : 0;
    }

    private static bool Covers(Dot[] context, Dot dot) => CounterOf(context, dot.Replica) >= dot.Counter;

    private static NameEntry[] SetEntry(NameEntry[] entries, NameEntry entry)
    {
        int index = FindEntry(entries, entry.Name);
        if (index >= 0)
        {
            var replaced = (NameEntry[])entries.Clone();
            replaced[index] = entry;
            return replaced;
        }

        index = ~index;
        var inserted = new NameEntry[entries.Length + 1];
        Array.Copy(entries, 0, inserted, 0, index);
        inserted[index] = entry;
        Array.Copy(entries, index, inserted, index + 1, entries.Length - index);
        return inserted;
    }

    private static Dot[] SetCounter(Dot[] context, ReplicaId replica, long counter)
    {
        int index = FindReplica(context, replica);
        if (index >= 0)
        {
            var replaced = (Dot[])context.Clone();
            replaced[index] = new Dot(replica, counter);
            return replaced;
        }

        index = ~index;
        var inserted = new Dot[context.Length + 1];
        Array.Copy(context, 0, inserted, 0, index);
        inserted[index] = new Dot(replica, counter);
        Array.Copy(context, index, inserted, index + 1, context.Length - index);
        return inserted;
    }

    /// <summary>The dots of <paramref name="dots"/> that <paramref name="context"/> has not seen; the same array when that is all of them.</summary>
    private static DottedSpec[] KeepUnseen(DottedSpec[] dots, Dot[] context)
    {
        int kept = 0;
        foreach (DottedSpec entry in dots)
        {
            kept += Covers(context, entry.Dot) ? 0 : 1;
        }

        if (kept == dots.Length)
        {
            return dots;
        }

        if (kept == 0)
        {
            return [];
        }

        var result = new DottedSpec[kept];
        int n = 0;
        foreach (DottedSpec entry in dots)
        {
            if (!Covers(context, entry.Dot))
            {
                result[n++] = entry;
            }
        }

        return result;
    }

    /// <summary>Merges the dots of one name (both lists sorted by dot); returns <paramref name="mine"/> itself when the result equals it.</summary>
    private static DottedSpec[] MergeDots(DottedSpec[] mine, Dot[] myContext, DottedSpec[] theirs, Dot[] theirContext)
    {
        DottedSpec[]? output = null;
        int count = 0;
        int i = 0;
        int j = 0;
        while (i < mine.Length || j < theirs.Length)
        {
            int order = i == mine.Length ? 1 : j == theirs.Length ? -1 : mine[i].Dot.CompareTo(theirs[j].Dot);
            int consumedOfMine = i;
            DottedSpec candidate;
            bool keep;
            bool sameAsMine;
            if (order == 0)
            {
                candidate = mine[i++];
                j++;
                keep = true;
                sameAsMine = true;
            }
            else if (order < 0)
            {
                candidate = mine[i++];
                keep = !Covers(theirContext, candidate.Dot);
                sameAsMine = keep;
            }
            else
            {
                candidate = theirs[j++];
                keep = !Covers(myContext, candidate.Dot);
                sameAsMine = !keep;
            }

            if (!sameAsMine && output is null)
            {
                output = new DottedSpec[mine.Length + theirs.Length];
                Array.Copy(mine, output, consumedOfMine);
                count = consumedOfMine;
            }

            if (output is not null && keep)
            {
                output[count++] = candidate;
            }
        }

        if (output is null)
        {
            return mine;
        }

        Array.Resize(ref output, count);
        return output;
    }

    /// <summary>Merges two entry lists (sorted by name); null when the result equals <paramref name="mine"/>.</summary>
    private static NameEntry[]? MergeEntries(NameEntry[] mine, Dot[] myContext, NameEntry[] theirs, Dot[] theirContext)
    {
        NameEntry[]? output = null;
        int count = 0;
        int i = 0;
        int j = 0;
        while (i < mine.Length || j < theirs.Length)
        {
            int order = i == mine.Length ? 1 : j == theirs.Length ? -1 : mine[i].Name.CompareTo(theirs[j].Name);
            int consumedOfMine = i;
            NodeName name;
            DottedSpec[] dots;
            bool sameAsMine;
            if (order < 0)
            {
                name = mine[i].Name;
                dots = KeepUnseen(mine[i].Dots, theirContext);
                sameAsMine = ReferenceEquals(dots, mine[i].Dots);
                i++;
            }
            else if (order > 0)
            {
                name = theirs[j].Name;
                dots = KeepUnseen(theirs[j].Dots, myContext);
                sameAsMine = dots.Length == 0;
                j++;
            }
            else
            {
                name = mine[i].Name;
                dots = MergeDots(mine[i].Dots, myContext, theirs[j].Dots, theirContext);
                sameAsMine = ReferenceEquals(dots, mine[i].Dots);
                i++;
                j++;
            }

            if (!sameAsMine && output is null)
            {
                output = new NameEntry[mine.Length + theirs.Length];
                Array.Copy(mine, output, consumedOfMine);
                count = consumedOfMine;
            }

            if (output is not null && dots.Length > 0)
            {
                output[count++] = new NameEntry(name, dots);
            }
        }

        if (output is null)
        {
            return null;
        }

        Array.Resize(ref output, count);
        return output;
    }

    /// <summary>The pointwise maximum of two version vectors; null when it equals <paramref name="mine"/>.</summary>
    private static Dot[]? MergeContexts(Dot[] mine, Dot[] theirs)
    {
        Dot[]? output = null;
        int count = 0;
        int i = 0;
        int j = 0;
        while (i < mine.Length || j < theirs.Length)
        {
            int order = i == mine.Length ? 1 : j == theirs.Length ? -1 : mine[i].Replica.CompareTo(theirs[j].Replica);
            int consumedOfMine = i;
            Dot dot;
            bool sameAsMine;
            if (order < 0)
            {
                dot = mine[i++];
                sameAsMine = true;
            }
            else if (order > 0)
            {
                dot = theirs[j++];
                sameAsMine = false;
            }
            else
            {
                sameAsMine = mine[i].Counter >= theirs[j].Counter;
                dot = sameAsMine ? mine[i] : theirs[j];
                i++;
                j++;
            }

            if (!sameAsMine && output is null)
            {
                output = new Dot[mine.Length + theirs.Length];
                Array.Copy(mine, output, consumedOfMine);
                count = consumedOfMine;
            }

            if (output is not null)
            {
                output[count++] = dot;
            }
        }

        if (output is null)
        {
            return null;
        }

        Array.Resize(ref output, count);
        return output;
    }

    /// <summary>FNV-1a (64-bit) over the version vector: names as UTF-16 code units, incarnations and counters as 8 bytes each.</summary>
    private static ulong ComputeDigest(Dot[] context)
    {
        const ulong prime = 1099511628211;
        ulong hash = 14695981039346656037;
        foreach (Dot dot in context)
        {
            foreach (char c in dot.Replica.Node.Value)
            {
                hash = (hash ^ c) * prime;
            }

            hash = (hash ^ '#') * prime;
            hash = Mix(hash, (ulong)dot.Replica.Incarnation);
            hash = Mix(hash, (ulong)dot.Counter);
        }

        return hash;

        static ulong Mix(ulong hash, ulong value)
        {
            for (int shift = 0; shift < 64; shift += 8)
            {
                hash = (hash ^ ((value >> shift) & 0xFF)) * prime;
            }

            return hash;
        }
    }
}
