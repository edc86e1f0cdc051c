using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Partisan.Membership;

namespace Partisan.Tests.Membership;

/// <summary>One step of a random membership history over a few replicas.</summary>
internal abstract record Op;

/// <summary>Replica <paramref name="Replica"/> adds node <paramref name="Node"/> (spec variant <paramref name="Variant"/>).</summary>
internal sealed record AddOp(int Replica, int Node, int Variant) : Op;

/// <summary>Replica <paramref name="Replica"/> removes node <paramref name="Node"/>.</summary>
internal sealed record RemoveOp(int Replica, int Node) : Op;

/// <summary>Replica <paramref name="Into"/> merges the current state of replica <paramref name="From"/>.</summary>
internal sealed record MergeOp(int Into, int From) : Op;

/// <summary>Replica <paramref name="Replica"/>'s node restarts: new incarnation, new address, fresh state.</summary>
internal sealed record RestartOp(int Replica) : Op;

/// <summary>A random history: how many replicas, and what they do.</summary>
internal sealed record History(int Replicas, Op[] Ops)
{
    public override string ToString() =>
        $"{Replicas} replicas: " + string.Join("; ", Array.ConvertAll(Ops, op => op.ToString()));
}

/// <summary>
/// Runs histories against <see cref="MembershipState"/>. Replica <c>r</c> is node <c>r{r}@h</c>; the extra
/// nodes <c>x0@h</c>..<c>x2@h</c> are only ever added by others. Replica incarnations start at 10 and
/// grow on restart, while specs added by others use incarnations 1 to 3, so they are always older.
/// </summary>
internal sealed class Cluster
{
    public const int ExtraNodes = 3;

    private readonly long[] _incarnations;

    public Cluster(int replicas)
    {
        Replicas = new MembershipState[replicas];
        _incarnations = new long[replicas];
        for (int r = 0; r < replicas; r++)
        {
            _incarnations[r] = 10;
            Replicas[r] = MembershipState.Create(ReplicaSpec(r, 10));
            All.Add(Replicas[r]);
        }
    }

    public MembershipState[] Replicas { get; }

    /// <summary>Every state any replica has held, in order.</summary>
    public List<MembershipState> All { get; } = [];

    public int NodeCount => Replicas.Length + ExtraNodes;

    public static NodeName NameOf(int node, int replicas) => node < replicas
        ? NodeName.Parse("r" + node.ToString(CultureInfo.InvariantCulture) + "@h")
        : NodeName.Parse("x" + (node - replicas).ToString(CultureInfo.InvariantCulture) + "@h");

    public static NodeSpec Spec(NodeName name, long incarnation, int port) =>
        new(name, [new ListenAddress("10.0.0.1", port)], [ChannelOptions.Default, ChannelOptions.Membership], incarnation);

    public NodeSpec ReplicaSpec(int replica, long incarnation) =>
        Spec(NameOf(replica, Replicas.Length), incarnation, 9000 + (int)incarnation);

    public NodeName Name(int node) => NameOf(node, Replicas.Length);

    public static Cluster Run(History history)
    {
        var cluster = new Cluster(history.Replicas);
        cluster.Apply(history.Ops);
        return cluster;
    }

    public void Apply(IEnumerable<Op> ops)
    {
        foreach (Op op in ops)
        {
            Apply(op);
        }
    }

    public void Apply(Op op)
    {
        switch (op)
        {
            case AddOp add:
                NodeSpec spec = add.Node == add.Replica
                    ? Replicas[add.Replica].Self
                    : Spec(Name(add.Node), add.Variant, 7000 + add.Variant);
                Set(add.Replica, Replicas[add.Replica].Add(spec));
                break;
            case RemoveOp remove:
                Set(remove.Replica, Replicas[remove.Replica].Remove(Name(remove.Node)));
                break;
            case MergeOp merge:
                Set(merge.Into, Replicas[merge.Into].Merge(Replicas[merge.From]));
                break;
            case RestartOp restart:
                long incarnation = ++_incarnations[restart.Replica];
                Set(restart.Replica, MembershipState.Create(ReplicaSpec(restart.Replica, incarnation)));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown op.");
        }
    }

    public void Set(int replica, MembershipState state)
    {
        MembershipInvariants.Check(state);
        Replicas[replica] = state;
        All.Add(state);
    }

    /// <summary>Every replica merges every other, in the given order of (into, from) pairs: one full pass makes them equal.</summary>
    public void Exchange(IEnumerable<(int Into, int From)> order)
    {
        foreach ((int into, int from) in order)
        {
            Set(into, Replicas[into].Merge(Replicas[from]));
        }
    }

    /// <summary>Every replica merges every other, in a fixed order.</summary>
    public void Sync() => Exchange(AllPairs(Replicas.Length));

    public static List<(int Into, int From)> AllPairs(int replicas)
    {
        var pairs = new List<(int, int)>();
        for (int into = 0; into < replicas; into++)
        {
            for (int from = 0; from < replicas; from++)
            {
                if (into != from)
                {
                    pairs.Add((into, from));
                }
            }
        }

        return pairs;
    }
}

/// <summary>Generators for histories.</summary>
internal static class MembershipGen
{
    public static Gen<Op> Op(int replicas, bool restarts = true, Func<int, bool>? canAdd = null)
    {
        int nodes = replicas + Cluster.ExtraNodes;
        Gen<int> replica = Gen.Choose(0, replicas - 1);
        Gen<int> node = Gen.Choose(0, nodes - 1);
        Gen<Op> add =
            from r in replica
            from n in node
            from v in Gen.Choose(1, 3)
            select canAdd is null || canAdd(n) ? (Op)new AddOp(r, n, v) : new MergeOp(r, (r + 1) % replicas);
        Gen<Op> remove = from r in replica from n in node select (Op)new RemoveOp(r, n);
        Gen<Op> merge = from r in replica from f in replica select (Op)new MergeOp(r, f);
        Gen<Op> restart = replica.Select(r => (Op)new RestartOp(r));
        return restarts
            ? Gen.Frequency((4, add), (2, remove), (5, merge), (1, restart))
            : Gen.Frequency((4, add), (2, remove), (5, merge));
    }

    public static Gen<Op[]> Ops(int replicas, int maxLength, bool restarts = true, Func<int, bool>? canAdd = null) =>
        from length in Gen.Choose(0, maxLength)
        from ops in Gen.ArrayOf(Op(replicas, restarts, canAdd), length)
        select ops;

    public static Gen<History> History(int maxLength = 40) =>
        from replicas in Gen.Choose(3, 5)
        from ops in Ops(replicas, maxLength)
        select new History(replicas, ops);

    /// <summary>A shuffled list of all (into, from) pairs, for replicas in [3, 5].</summary>
    public static Gen<(int Into, int From)[]> ExchangeOrder(int replicas) => Gen.Shuffle(Cluster.AllPairs(replicas).ToArray());
}

/// <summary>Checks the representation invariants every state must keep.</summary>
internal static class MembershipInvariants
{
    public static void Check(MembershipState state)
    {
        ReadOnlySpan<Dot> context = state.Context;
        for (int i = 0; i < context.Length; i++)
        {
            Assert.True(context[i].Counter >= 1, $"counter of {context[i]}");
            Assert.True(i == 0 || context[i - 1].Replica < context[i].Replica, "version vector sorted and unique");
        }

        ReadOnlySpan<NameEntry> entries = state.Entries;
        Assert.Equal(entries.Length, state.Members.Length);
        var dots = new HashSet<Dot>();
        for (int i = 0; i < entries.Length; i++)
        {
            NameEntry entry = entries[i];
            Assert.True(i == 0 || entries[i - 1].Name < entry.Name, "entries sorted and unique");
            Assert.NotEmpty(entry.Dots);
            long maxIncarnation = long.MinValue;
            for (int d = 0; d < entry.Dots.Length; d++)
            {
                DottedSpec add = entry.Dots[d];
                Assert.Equal(entry.Name, add.Spec.Name);
                Assert.True(d == 0 || entry.Dots[d - 1].Dot < add.Dot, "dots sorted and unique");
                Assert.True(dots.Add(add.Dot), "a dot tags one entry");
                int index = MembershipState.FindReplica(context, add.Dot.Replica);
                Assert.True(index >= 0 && context[index].Counter >= add.Dot.Counter, $"{add.Dot} covered by the version vector");
                maxIncarnation = Math.Max(maxIncarnation, add.Spec.Incarnation);
            }

            Assert.Equal(entry.Name, state.Members[i].Name);
            Assert.Equal(maxIncarnation, state.Members[i].Incarnation);
        }
    }
}
