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
public sealed partial class MembershipState : IEquatable<MembershipState>, Overlays.IOverlaySnapshot
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
}
