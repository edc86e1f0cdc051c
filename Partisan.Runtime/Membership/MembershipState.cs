using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;

namespace Partisan.Membership;

/// <summary>
/// The membership of a full-mesh cluster as a state-based CRDT: an add-wins, observed-remove map from
/// <see cref="NodeName"/> to <see cref="NodeSpec"/>, merged by gossiping whole states.
/// </summary>
/// <remarks>
/// <para>
/// <b>Model.</b> Every <see cref="Add"/> tags the spec with a fresh <see cref="Dot"/> made by the owner's
/// <see cref="ReplicaId"/> (name + incarnation, so a restarted node never reuses a dot) and drops the dots
/// it has seen for that name. <see cref="Remove"/> drops every dot it has seen for a name. A version
/// vector (<see cref="VersionVector"/>) records every dot the state has seen; <see cref="Merge"/> keeps a
/// dot present on both sides, and a dot present on one side only if the other side has not seen it
/// (had it seen it and dropped it, the dot was removed). So a remove only removes what it observed, and
/// an add concurrent with a remove wins. Merge is commutative, associative and idempotent.
/// </para>
/// <para>
/// <b>Why a left node stays gone</b> (Partisan issue #191): a remove drops the dots but the version vector
/// keeps them, so an old state that still holds them, merged in later, finds them already seen and
/// does not bring the node back. Only a new add (a new dot) can.
/// </para>
/// <para>
/// <b>Versions.</b> Every change makes a new event: an add a new dot, a remove a counter step of the
/// owner's replica with no entry. So for states built with these operations the version vector
/// identifies the state: equal vectors mean equal states, and if <see cref="Dominates"/> holds, merging
/// the other state changes nothing. <see cref="Digest"/> hashes the vector for a cheap "anything new?" check.
/// </para>
/// <para>
/// <b>Threading.</b> Instances are immutable; every operation returns a new state (or this one when
/// nothing changes), sharing unchanged parts. The single-threaded manager loop swaps its current state;
/// readers on other threads can read any state, e.g. <see cref="Members"/>, at any time.
/// </para>
/// <para>
/// <b>Ownership.</b> A state belongs to the node run described by <see cref="Self"/>: it makes that run's dots.
/// Two states with the same owner must never gossip into the same cluster unless one descends from the
/// other (see <see cref="Create"/>). A state read from the wire is owned by its sender.
/// </para>
/// </remarks>
public sealed class MembershipState : IEquatable<MembershipState>, Overlays.IOverlaySnapshot
{
    private readonly NameEntry[] _entries; // sorted by name, each with at least one dot
    private readonly Dot[] _context; // the version vector: one dot per replica, the highest seen, sorted by replica
    private readonly ImmutableArray<NodeSpec> _members; // one spec per entry, same order

    /// <summary>Builds a state from parts the caller has validated (sorted, non-empty entries, all dots covered by the context).</summary>
    internal MembershipState(NodeSpec self, NameEntry[] entries, Dot[] context)
    {
        Self = self;
        Owner = ReplicaId.Of(self);
        _entries = entries;
        _context = context;
        var members = new NodeSpec[entries.Length];
        for (int i = 0; i < entries.Length; i++)
        {
            members[i] = Choose(entries[i].Dots);
        }

        _members = ImmutableCollectionsMarshal.AsImmutableArray(members);
        Digest = ComputeDigest(context);
    }

    /// <summary>
    /// A state holding only <paramref name="self"/>, owned by it. Each call starts counting dots for the
    /// replica (<paramref name="self"/>'s name, incarnation) at 1, so call it once per run of a node: a node
    /// that leaves and later rejoins within the same run must either keep using this state (and
    /// <see cref="Add"/> itself again) or create a new state with a spec of a higher incarnation.
    /// </summary>
    /// <param name="self">The spec of the node that owns the state.</param>
    public static MembershipState Create(NodeSpec self)
    {
        ArgumentNullException.ThrowIfNull(self);
        var dot = new Dot(ReplicaId.Of(self), 1);
        return new MembershipState(self, [new NameEntry(self.Name, [new DottedSpec(dot, self)])], [dot]);
    }

    /// <summary>The spec of the node run that owns this state (the last one it added for itself).</summary>
    public NodeSpec Self { get; }

    /// <summary>The replica that makes this state's dots: <see cref="Self"/>'s name and incarnation.</summary>
    public ReplicaId Owner { get; }

    /// <summary>
    /// The live members, sorted by name (ordinal), one spec per name. When several adds of a name survive
    /// (concurrent adds, or a restarted node added again while its old entry lingers), the spec with the
    /// highest <see cref="NodeSpec.Incarnation"/> is shown; ties go to the highest dot.
    /// </summary>
    public ImmutableArray<NodeSpec> Members => _members;

    /// <summary>The number of live members.</summary>
    public int Count => _members.Length;

    /// <summary>
    /// The version vector: for each replica that ever changed the membership, the highest dot this state
    /// has seen from it; sorted by replica.
    /// </summary>
    public ImmutableArray<Dot> VersionVector => ImmutableCollectionsMarshal.AsImmutableArray(_context);

    /// <summary>
    /// A 64-bit hash of <see cref="VersionVector"/>, the same on every machine. Equal states have equal
    /// digests; different digests mean the states differ, so a gossip round can send the digest first
    /// and the state only when they differ.
    /// </summary>
    public ulong Digest { get; }

    /// <summary>
    /// How this state sees its owner; read it after every <see cref="Merge"/>:
    /// <list type="bullet">
    /// <item><see cref="Membership.SelfStatus.Member"/>: nothing to do.</item>
    /// <item><see cref="Membership.SelfStatus.Stale"/>: the owner's name also has entries of an older run (or an
    /// older spec of this run); <c>Add(Self)</c> replaces them everywhere.</item>
    /// <item><see cref="Membership.SelfStatus.Removed"/>: no entry of this run survives (the owner left, or a node
    /// that had seen its entry removed it): treat the node as having left.</item>
    /// <item><see cref="Membership.SelfStatus.Superseded"/>: a newer run of this node is a member: this run is stale
    /// and should stop, without adding itself again.</item>
    /// </list>
    /// </summary>
    public SelfStatus SelfStatus
    {
        get
        {
            int index = FindEntry(_entries, Self.Name);
            if (index < 0)
            {
                return SelfStatus.Removed;
            }

            bool current = false;
            bool stale = false;
            foreach (DottedSpec entry in _entries[index].Dots)
            {
                long incarnation = entry.Spec.Incarnation;
                if (incarnation > Self.Incarnation)
                {
                    return SelfStatus.Superseded;
                }

                if (incarnation == Self.Incarnation)
                {
                    current = true;
                    stale |= !entry.Spec.Equals(Self);
                }
                else
                {
                    stale = true;
                }
            }

            return !current ? SelfStatus.Removed : stale ? SelfStatus.Stale : SelfStatus.Member;
        }
    }

    /// <summary>The entries, sorted by name; for the formatter and tests.</summary>
    internal ReadOnlySpan<NameEntry> Entries => _entries;

    /// <summary>The version vector, sorted by replica; for the formatter and tests.</summary>
    internal ReadOnlySpan<Dot> Context => _context;

    /// <summary>True when <paramref name="name"/> is a live member.</summary>
    public bool Contains(NodeName name) => FindEntry(_entries, name) >= 0;

    /// <summary>The spec shown for member <paramref name="name"/> (see <see cref="Members"/>), if it is one.</summary>
    public bool TryGetMember(NodeName name, [NotNullWhen(true)] out NodeSpec? spec)
    {
        int index = FindEntry(_entries, name);
        spec = index >= 0 ? _members[index] : null;
        return spec is not null;
    }

    /// <summary>
    /// Adds (or re-adds, or updates) <paramref name="spec"/> under its name with a fresh dot of
    /// <see cref="Owner"/>, replacing every entry this state has seen for that name. Always makes a new
    /// event, so an add also wins over a concurrent remove elsewhere. Adding the owner's own name
    /// updates <see cref="Self"/>.
    /// </summary>
    /// <returns>The new state.</returns>
    /// <exception cref="ArgumentException"><paramref name="spec"/> is the owner's name with another incarnation:
    /// a state only speaks for its own run (another run of this node adds itself from its own state).</exception>
    public MembershipState Add(NodeSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Name == Self.Name && spec.Incarnation != Self.Incarnation)
        {
            throw new ArgumentException(
                $"This state belongs to {Owner}; it cannot add incarnation {spec.Incarnation} of its own node. Create a new state for the new run.",
                nameof(spec));
        }

        long counter = CounterOf(_context, Owner) + 1;
        var dot = new Dot(Owner, counter);
        NameEntry[] entries = SetEntry(_entries, new NameEntry(spec.Name, [new DottedSpec(dot, spec)]));
        return new MembershipState(spec.Name == Self.Name ? spec : Self, entries, SetCounter(_context, Owner, counter));
    }

    /// <summary>
    /// Removes every entry this state has seen for <paramref name="name"/> (an observed remove: an add made
    /// elsewhere that this state has not seen survives the merge). The seen dots stay in the version vector,
    /// so late gossip cannot bring the node back. Removing the owner's own name is how a node leaves.
    /// </summary>
    /// <returns>The new state, or this one when <paramref name="name"/> is not a member.</returns>
    public MembershipState Remove(NodeName name)
    {
        int index = FindEntry(_entries, name);
        if (index < 0)
        {
            return this;
        }

        var entries = new NameEntry[_entries.Length - 1];
        Array.Copy(_entries, 0, entries, 0, index);
        Array.Copy(_entries, index + 1, entries, index, _entries.Length - index - 1);

        // The remove is an event too: step the owner's counter, so the version vector changes with the state.
        return new MembershipState(Self, entries, SetCounter(_context, Owner, CounterOf(_context, Owner) + 1));
    }

    /// <summary>
    /// Merges <paramref name="other"/> into this state: a dot on both sides stays; a dot on one side stays
    /// unless the other side has seen it (then it was removed there); the version vectors take the pointwise
    /// maximum. The result keeps this state's owner. Commutative, associative and idempotent (comparing
    /// with <see cref="Equals(MembershipState)"/>, which ignores owners).
    /// </summary>
    /// <returns>The merged state, or this very instance when <paramref name="other"/> brings nothing new
    /// (so <c>ReferenceEquals(result, this)</c> tells the manager whether to publish and gossip).</returns>
    public MembershipState Merge(MembershipState other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(this, other))
        {
            return this;
        }

        NameEntry[]? entries = MergeEntries(_entries, _context, other._entries, other._context);
        Dot[]? context = MergeContexts(_context, other._context);
        return entries is null && context is null ? this : new MembershipState(Self, entries ?? _entries, context ?? _context);
    }

    /// <summary>
    /// True when this state has seen every event <paramref name="other"/> has (its version vector is at
    /// least <paramref name="other"/>'s everywhere), so merging <paramref name="other"/> in would change nothing
    /// and it need not be sent here.
    /// </summary>
    public bool Dominates(MembershipState other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Dot[] mine = _context;
        int i = 0;
        foreach (Dot theirs in other._context)
        {
            while (i < mine.Length && mine[i].Replica < theirs.Replica)
            {
                i++;
            }

            if (i == mine.Length || mine[i].Replica != theirs.Replica || mine[i].Counter < theirs.Counter)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Structural equality of the replicated data: the same entries (names, dots, specs) and the same version
    /// vector. The owner (<see cref="Self"/>) is not compared, so replicas that converged are equal.
    /// </summary>
    public bool Equals(MembershipState? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || Digest != other.Digest || _entries.Length != other._entries.Length ||
            !_context.AsSpan().SequenceEqual(other._context))
        {
            return false;
        }

        for (int i = 0; i < _entries.Length; i++)
        {
            if (_entries[i].Name != other._entries[i].Name || !_entries[i].Dots.AsSpan().SequenceEqual(other._entries[i].Dots))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as MembershipState);

    /// <inheritdoc />
    public override int GetHashCode() => (int)Digest ^ (int)(Digest >> 32);

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder("MembershipState of ").Append(Owner.ToString()).Append(": [");
        for (int i = 0; i < _members.Length; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ").Append(_members[i].ToString());
        }

        return text.Append(']').ToString();
    }

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

/// <summary>One add of a node: the dot that tags it and the spec it added.</summary>
/// <param name="Dot">The event id.</param>
/// <param name="Spec">The spec added.</param>
internal readonly record struct DottedSpec(Dot Dot, NodeSpec Spec);

/// <summary>The surviving adds of one node name, sorted by dot; never empty inside a state.</summary>
/// <param name="Name">The node name.</param>
/// <param name="Dots">The surviving adds.</param>
internal readonly record struct NameEntry(NodeName Name, DottedSpec[] Dots);
