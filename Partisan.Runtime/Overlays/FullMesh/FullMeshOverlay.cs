using Partisan.Membership;

namespace Partisan.Overlays.FullMesh;

/// <summary>
/// Full mesh (Partisan's <c>partisan_full_membership_strategy</c> with the default peer service manager): every
/// node knows and connects to every other. Membership is a <see cref="MembershipState"/> (an add-wins
/// observed-remove map NodeName → NodeSpec). A node that restarted (new incarnation) replaces its old entry instead
/// of appearing twice; a node whose state shows it was removed resets to a cluster of one.
/// </summary>
/// <remarks>
/// <para>How the state spreads, so that a cluster of hundreds converges in seconds and then costs almost nothing:</para>
/// <list type="bullet">
/// <item><b>Push on change, coalesced and bounded.</b> A change (a join, a leave, a merge that taught this node
/// something) schedules one push; every change until it runs rides along. Pushes are at least
/// <c>gossipInterval / 10</c> apart, and each goes to <see cref="Fanout"/> neighbours picked at random (every
/// neighbour in a small cluster), not to all: an epidemic reaches every node in a few rounds, at a cost of
/// fanout × nodes states per change instead of nodes².</item>
/// <item><b>Push-pull.</b> A node that receives a state from a peer that knew less than it does answers that peer
/// with its own, so a joiner learns the whole cluster from its seed at once.</item>
/// <item><b>Anti-entropy by digest.</b> Every gossip interval a node sends its 8-byte <see cref="MembershipState.Digest"/>
/// (a <see cref="ulong"/>) to one random neighbour; only a peer whose digest differs answers, with its whole state.
/// An idle cluster so exchanges one tiny message per node per interval.</item>
/// </list>
/// <para>Partisan gossips the whole state to every member on every change and every interval; that is what made 64
/// nodes joining at once never converge here before (issue 11).</para>
/// </remarks>
public sealed class FullMeshOverlay : IOverlay
{
    private const string GossipTimer = "gossip";
    private const string PushTimer = "push";

    private readonly TimeSpan _gossipInterval;
    private readonly TimeSpan _pushGap;
    private IOverlayContext _context = null!;
    private MembershipState _state = null!;

    // The members as the interface the runner reads after every call: boxed once per state, not once per read.
    private IReadOnlyCollection<NodeSpec> _members = [];
    private NodeSpec[] _neighbours = [];
    private readonly PushPacer _pacer;

    // Set when this node leaves or is removed, until it joins again: it then refuses to be pulled back
    // into its old cluster by gossip about an earlier run of itself.
    private bool _departed;

    /// <summary>Creates a full mesh that runs anti-entropy every <paramref name="gossipInterval"/> (default 1 s).</summary>
    public FullMeshOverlay(TimeSpan? gossipInterval = null)
    {
        TimeSpan interval = gossipInterval ?? TimeSpan.FromSeconds(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero, nameof(gossipInterval));
        _gossipInterval = interval;
        _pushGap = interval / 10;
        _pacer = new PushPacer(PushTimer, _pushGap);
    }

    /// <summary>The current state (for diagnostics and tests).</summary>
    public MembershipState State => _state;

    /// <inheritdoc />
    public IReadOnlyCollection<NodeSpec> Members => _members;

    /// <inheritdoc />
    public IReadOnlyCollection<NodeSpec> Neighbours => _neighbours;

    /// <summary>
    /// How many neighbours a push goes to: every neighbour up to 8, then 2 + ⌈log₂ n⌉ (8 at 64 nodes, 10 at 256),
    /// enough for an epidemic to reach every node with high probability; anti-entropy catches the rest.
    /// </summary>
    public int Fanout
    {
        get
        {
            int n = _neighbours.Length;
            return n <= 8 ? n : Math.Min(n, 2 + (int)Math.Ceiling(Math.Log2(n + 1)));
        }
    }

    /// <inheritdoc />
    public void Start(IOverlayContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _pacer.Reset();
        SetState(MembershipState.Create(context.Self));
        context.SetTimer(GossipTimer, _gossipInterval, _gossipInterval);
    }

    /// <inheritdoc />
    public void Join(NodeSpec peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        _departed = false;
        SetState(_state.Add(peer));
        _context.Send(peer, _state);
        SchedulePush();
    }

    /// <inheritdoc />
    public void Leave(NodeName node)
    {
        // Tell everyone, the removed node included, before it drops out of the member list.
        MembershipState removed = _state.Remove(node);
        foreach (NodeSpec member in _state.Members)
        {
            if (member.Name != _state.Self.Name)
            {
                _context.Send(member, removed);
            }
        }

        if (node == _state.Self.Name)
        {
            _departed = true;
        }

        SetState(removed);
    }

    /// <inheritdoc />
    public void OnTimer(string name)
    {
        switch (name)
        {
            case GossipTimer:
                if (_neighbours.Length > 0)
                {
                    _context.Send(_neighbours[_context.Random.Next(_neighbours.Length)], _state.Digest);
                }

                break;
            case PushTimer:
                Push();
                break;
        }
    }

    /// <inheritdoc />
    public void OnConnected(NodeSpec peer)
    {
    }

    /// <inheritdoc />
    public void OnDisconnected(NodeName peer, string reason)
    {
    }

    /// <inheritdoc />
    public OverlayAdmission Admit(NodeSpec initiator, string channel) => OverlayAdmission.Accept;

    /// <inheritdoc />
    public NodeName? NextHop(NodeName destination) => null;

    /// <inheritdoc />
    public void HandleMessage(NodeName from, object message)
    {
        switch (message)
        {
            case ulong digest:
                // Anti-entropy probe: answer when the states differ. A node probes only nodes it counts as members,
                // so a prober that is not a member here was removed without hearing it (the notice was lost with its
                // connection): the state it gets back tells it, or it stays connected and a member in its own eyes for
                // ever. A node that left answers members only: its fresh state would re-add it elsewhere.
                if (digest != _state.Digest && (_state.Contains(from) || !_departed))
                {
                    _context.Send(from, _state);
                }

                return;
            case MembershipState remote:
                Merge(from, remote);
                return;
            default:
                throw new ArgumentException($"The full mesh does not understand {message?.GetType().Name ?? "null"}.", nameof(message));
        }
    }

    private void Merge(NodeName from, MembershipState remote)
    {
        GossipOutcome outcome = MembershipGossip.Merge(_state, from, remote, _departed);
        switch (outcome.Result)
        {
            case GossipResult.Ignored:
                return;
            case GossipResult.Removed:
                _departed = true;
                SetState(outcome.State);
                _context.ResetToSingleton("removed");
                return;
        }

        SetState(outcome.State);
        if (outcome.AnswerSender)
        {
            _context.Send(from, _state);
        }

        if (outcome.Changed)
        {
            SchedulePush();
        }
    }

    private void SetState(MembershipState state)
    {
        if (ReferenceEquals(state, _state))
        {
            return;
        }

        _state = state;
        _members = state.Members;
        var neighbours = new NodeSpec[Math.Max(0, state.Count - 1)];
        int count = 0;
        foreach (NodeSpec member in state.Members)
        {
            if (member.Name != state.Self.Name && count < neighbours.Length)
            {
                neighbours[count++] = member;
            }
        }

        _neighbours = count == neighbours.Length ? neighbours : neighbours[..count];
    }

    // One push for every change until it runs (PushPacer).
    private void SchedulePush()
    {
        if (_neighbours.Length > 0)
        {
            _pacer.Schedule(_context);
        }
    }

    private void Push()
    {
        _pacer.Pushed(_context);
        NodeSpec[] neighbours = _neighbours;
        int fanout = Fanout;
        if (fanout >= neighbours.Length)
        {
            foreach (NodeSpec member in neighbours)
            {
                _context.Send(member, _state);
            }

            return;
        }

        // A random fanout-subset: a partial Fisher–Yates shuffle of the indices.
        int[] order = new int[neighbours.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        for (int i = 0; i < fanout; i++)
        {
            int j = _context.Random.Next(i, order.Length);
            (order[i], order[j]) = (order[j], order[i]);
            _context.Send(neighbours[order[i]], _state);
        }
    }
}
