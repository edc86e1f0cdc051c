using Partisan.Membership;

namespace Partisan.Overlays.ClientServer;

/// <summary>
/// Client-server (Partisan's <c>partisan_client_server_peer_service_manager</c>): a node whose spec carries
/// <see cref="ClientServerOptions.ServerTag"/> is a server, every other node a client. Servers form a full mesh; a client
/// connects to servers only, all of them or the <see cref="ClientServerOptions.ServersPerClient"/> that rank highest for it by
/// rendezvous hashing of the two names, so every node agrees which servers serve which client without asking. A client's
/// connection to another client is refused at admission.
/// </summary>
/// <remarks>
/// <para><b>Membership</b> is the full mesh's <see cref="MembershipState"/> (an add-wins observed-remove map, so leaves and
/// restarts behave as in full mesh), gossiped along the links only: a change is pushed (coalesced, at least
/// <c>gossipInterval / 10</c> apart) to every neighbour, so servers carry it to each other and to their clients; a state from a
/// sender that knew less is answered at once (push-pull); every gossip interval an 8-byte digest goes to one random neighbour.
/// A client pushes only its own changes: what it learns came from a server, which spreads it. Unlike Partisan, whose clients
/// see only the servers, every node knows every member, so a client can address another client.</para>
/// <para><b>Routes.</b> A message from a client to a member it has no link to goes to one of its servers, preferring one that
/// serves the destination too (a client's servers in the destination's rank order, then any connected one); a server hands a
/// message for a client it does not serve to a connected server that does. So a client-to-client message takes two hops when
/// the two share a server, three otherwise. A member reached through a server counts as up while that server is connected
/// (see "What down means on a partial view" in docs/architecture.md).</para>
/// <para><b>Joining through a client.</b> A client that is dialed by another client (a join aimed at the wrong node) refuses the
/// connection, tells the joiner to join a server (naming one), and hands the joiner's spec to its servers, at most
/// <see cref="ClientServerOptions.MaxPendingIntroductions"/> at a time: the servers add it and connect to it, so it joins anyway.
/// </para>
/// <para><b>Down by relay.</b> A server reports to its neighbours, whenever it changes, the members it cannot reach (no link and
/// no route), as a <see cref="NodeName"/> array; a relay never goes through a server that reported the destination unreachable.
/// So when a client stops, its servers lose their links to it and say so, and for every other client it goes down too
/// (monitors fire with <c>noconnection</c>), not only for the nodes linked to it.</para>
/// <para>A client's servers are chosen from the membership, not from who is up: a stopped server stays chosen (its clients
/// see it down) until it comes back or is removed with a leave; with <see cref="ClientServerOptions.ServersPerClient"/> of 0
/// every client keeps a link to every other server meanwhile.</para>
/// </remarks>
public sealed class ClientServerOverlay : IOverlay
{
    private const string GossipTimer = "gossip";
    private const string PushTimer = "push";
    private const string IntroduceTimer = "introduce";
    private const string ReportTimer = "unreachable";

    private readonly string _serverTag;
    private readonly int _serversPerClient;
    private readonly int _maxPendingIntroductions;
    private readonly TimeSpan _gossipInterval;
    private readonly TimeSpan _pushGap;
    private readonly HashSet<NodeName> _neighbourNames = new();
    private readonly List<NodeSpec> _introductions = new();

    // What each server last reported it cannot reach (see the remarks); bounded by servers × members.
    private readonly Dictionary<NodeName, HashSet<NodeName>> _unreachableBy = new();
    private IOverlayContext _context = null!;
    private MembershipState _state = null!;
    private IReadOnlyCollection<NodeSpec> _members = [];

    // Replaced, never changed, on every membership change: ServersOf may be read from any thread.
    private Dictionary<NodeName, NodeName[]> _choices = new();
    private NodeSpec[] _neighbours = [];
    private NodeName[] _myServers = [];
    private bool _isServer;
    private readonly PushPacer _pacer;
    private NodeName[] _lastReport = [];
    private bool _reportScheduled;

    // Set when this node leaves or is removed, until it joins again (as in full mesh): it then refuses to be pulled back
    // into its old cluster by gossip about an earlier run of itself.
    private bool _departed;

    /// <summary>Creates a client-server overlay that runs anti-entropy every <paramref name="gossipInterval"/> (default 1 s).</summary>
    /// <exception cref="ArgumentException">The options are invalid (<see cref="ClientServerOptions.Validate"/>).</exception>
    public ClientServerOverlay(ClientServerOptions options, TimeSpan? gossipInterval = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        TimeSpan interval = gossipInterval ?? TimeSpan.FromSeconds(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero, nameof(gossipInterval));
        _serverTag = options.ServerTag;
        _serversPerClient = options.ServersPerClient;
        _maxPendingIntroductions = options.MaxPendingIntroductions;
        _gossipInterval = interval;
        _pushGap = interval / 10;
        _pacer = new PushPacer(PushTimer, _pushGap);
    }

    /// <summary>The current membership state (for diagnostics and tests).</summary>
    public MembershipState State => _state;

    /// <summary>True when this node is a server (its spec carries the server tag).</summary>
    public bool IsServer => _isServer;

    /// <inheritdoc />
    public IReadOnlyCollection<NodeSpec> Members => _members;

    /// <inheritdoc />
    public IReadOnlyCollection<NodeSpec> Neighbours => _neighbours;

    /// <summary>
    /// The servers <paramref name="client"/> connects to, best ranked first, as every node computes them; empty when it is
    /// not a client member. Safe to read from any thread.
    /// </summary>
    public IReadOnlyList<NodeName> ServersOf(NodeName client) =>
        _choices.TryGetValue(client, out NodeName[]? servers) ? servers : [];

    /// <inheritdoc />
    public void Start(IOverlayContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _pacer.Reset();
        _introductions.Clear();
        _unreachableBy.Clear();
        _lastReport = [];
        _reportScheduled = false;
        SetState(MembershipState.Create(context.Self));
        context.SetTimer(GossipTimer, _gossipInterval, _gossipInterval);
    }

    /// <inheritdoc />
    public void Join(NodeSpec peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        _departed = false;
        SetState(_state.Add(peer));
        if (_isServer || IsServerSpec(peer))
        {
            _context.Send(peer, _state);
        }
        else if (_myServers.Length > 0)
        {
            // Client to client: no link between them; the servers take the peer in (see the remarks).
            ClientServerLog.JoinThroughClient(_context.Logger, peer.Name);
        }
        else
        {
            ClientServerLog.JoinWithoutServer(_context.Logger, peer.Name, _serverTag);
        }

        SchedulePush();
    }

    /// <inheritdoc />
    public void Leave(NodeName node)
    {
        // Tell the neighbours (the removed node among them, if it is one) before they may drop out of the view.
        MembershipState removed = _state.Remove(node);
        foreach (NodeSpec neighbour in _neighbours)
        {
            _context.Send(neighbour, removed);
        }

        if (node == _state.Self.Name)
        {
            _departed = true;
            SetState(removed);
            return;
        }

        NodeSpec[] before = _neighbours;
        SetState(removed);
        NotifyDropped(before);
        SchedulePush();
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
            case IntroduceTimer:
                Introduce();
                break;
            case ReportTimer:
                Report();
                break;
        }
    }

    /// <inheritdoc />
    public void OnConnected(NodeSpec peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (_isServer && _neighbourNames.Contains(peer.Name))
        {
            // A neighbour (new, or back) gets the current report at once: the next one is sent only on a change.
            _context.Send(peer.Name, _lastReport);
        }

        ScheduleReport();
    }

    /// <inheritdoc />
    public void OnDisconnected(NodeName peer, string reason) => ScheduleReport();

    /// <inheritdoc />
    public OverlayAdmission Admit(NodeSpec initiator, string channel)
    {
        ArgumentNullException.ThrowIfNull(initiator);
        if (_context is null)
        {
            return OverlayAdmission.Refuse("this node is starting");
        }

        if (_isServer || IsServerSpec(initiator))
        {
            return OverlayAdmission.Accept;
        }

        string reason = $"{_context.Self.Name} and {initiator.Name} are both clients (neither carries the tag '{_serverTag}'), and under the client-server overlay clients connect only to servers";
        if (_myServers.Length > 0 && _state.TryGetMember(_myServers[0], out NodeSpec? server))
        {
            reason += server.ListenAddresses.Count > 0 ? $"; join a server instead, e.g. {server.Name} at {server.ListenAddresses[0]}" : $"; join a server instead, e.g. {server.Name}";
            if (QueueIntroduction(initiator))
            {
                reason += $"; {_context.Self.Name} has handed {initiator.Name} on to its servers, which will connect to it";
            }
        }

        ClientServerLog.ClientRefused(_context.Logger, initiator.Name, reason);
        return OverlayAdmission.Refuse(reason);
    }

    /// <inheritdoc />
    public NodeName? NextHop(NodeName destination)
    {
        if (_neighbourNames.Contains(destination) || destination == _state.Self.Name || !_state.Contains(destination))
        {
            return null; // a neighbour is reached directly or not at all
        }

        _choices.TryGetValue(destination, out NodeName[]? servingDestination);
        if (_isServer)
        {
            // A client another server serves: hand it to the first connected one of them.
            return FirstConnected(servingDestination ?? [], null, destination);
        }

        // A client: through one of its servers, one that also serves the destination if any is connected.
        return FirstConnected(servingDestination ?? [], _myServers, destination) ?? FirstConnected(_myServers, null, destination);
    }

    /// <inheritdoc />
    public void HandleMessage(NodeName from, object message)
    {
        switch (message)
        {
            case ulong digest:
                // As the full mesh: a prober that is not a member was removed without hearing it; a node that left
                // answers members only.
                if (digest != _state.Digest && (_state.Contains(from) || !_departed))
                {
                    _context.Send(from, _state);
                }

                return;
            case MembershipState remote:
                Merge(from, remote);
                return;
            case NodeName[] unreachable:
                OnReport(from, unreachable);
                return;
            default:
                throw new ArgumentException($"The client-server overlay does not understand {message?.GetType().Name ?? "null"} (from {from}).", nameof(message));
        }
    }

    private bool IsServerSpec(NodeSpec spec) => spec.HasTag(_serverTag);

    // The first of candidates (in order) that is connected, among `within` when that is given, and has not reported
    // `destination` unreachable.
    private NodeName? FirstConnected(NodeName[] candidates, NodeName[]? within, NodeName destination)
    {
        foreach (NodeName candidate in candidates)
        {
            if ((within is null || Array.IndexOf(within, candidate) >= 0) && _context.IsConnected(candidate)
                && !(_unreachableBy.TryGetValue(candidate, out HashSet<NodeName>? unreachable) && unreachable.Contains(destination)))
            {
                return candidate;
            }
        }

        return null;
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

        NodeSpec[] before = _neighbours;
        SetState(outcome.State);
        NotifyDropped(before);
        if (outcome.AnswerSender)
        {
            _context.Send(from, _state);
        }

        // Servers spread what they learn; a client only its own changes (what it learns came from a server).
        if (outcome.Changed && (_isServer || outcome.OwnChange))
        {
            SchedulePush();
        }
    }

    // A neighbour that is no longer a member hears it from this node (a client removed by a leave elsewhere learns it from
    // its servers), so it resets instead of gossiping into a cluster that dropped it.
    private void NotifyDropped(NodeSpec[] before)
    {
        foreach (NodeSpec old in before)
        {
            if (!_state.Contains(old.Name))
            {
                _context.Send(old, _state);
            }
        }
    }

    private bool QueueIntroduction(NodeSpec joiner)
    {
        if (_state.TryGetMember(joiner.Name, out NodeSpec? known) && known.Incarnation >= joiner.Incarnation)
        {
            return false; // already a member: its servers connect to it anyway
        }

        for (int i = 0; i < _introductions.Count; i++)
        {
            if (_introductions[i].Name == joiner.Name)
            {
                _introductions[i] = joiner;
                return true;
            }
        }

        if (_introductions.Count >= _maxPendingIntroductions)
        {
            ClientServerLog.IntroductionDropped(_context.Logger, joiner.Name, $"{_introductions.Count} are already waiting (MaxPendingIntroductions)");
            return false;
        }

        _introductions.Add(joiner);
        if (_introductions.Count == 1)
        {
            _context.SetTimer(IntroduceTimer, TimeSpan.Zero);
        }

        return true;
    }

    private void Introduce()
    {
        MembershipState state = _state;
        foreach (NodeSpec joiner in _introductions)
        {
            if (!state.TryGetMember(joiner.Name, out NodeSpec? known) || known.Incarnation < joiner.Incarnation)
            {
                state = state.Add(joiner);
            }
        }

        _introductions.Clear();
        if (!ReferenceEquals(state, _state) && !_departed)
        {
            SetState(state);
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
        NodeName self = state.Self.Name;
        _isServer = IsServerSpec(_context.Self);

        // The servers, sorted by name (members are), then each client's choice of them.
        int serverCount = 0;
        foreach (NodeSpec member in state.Members)
        {
            serverCount += IsServerSpec(member) ? 1 : 0;
        }

        var servers = new NodeName[serverCount];
        int s = 0;
        foreach (NodeSpec member in state.Members)
        {
            if (IsServerSpec(member))
            {
                servers[s++] = member.Name;
            }
        }

        var choices = new Dictionary<NodeName, NodeName[]>(state.Count - serverCount);
        foreach (NodeSpec member in state.Members)
        {
            if (!IsServerSpec(member))
            {
                choices[member.Name] = ServerRanking.Choose(member.Name, servers, _serversPerClient);
            }
        }

        _choices = choices;

        // Neighbours: a server's are the other servers and the clients that chose it; a client's, its chosen servers.
        var neighbours = new List<NodeSpec>();
        if (_isServer)
        {
            _myServers = [];
            foreach (NodeSpec member in state.Members)
            {
                if (member.Name != self && (IsServerSpec(member) || Array.IndexOf(choices[member.Name], self) >= 0))
                {
                    neighbours.Add(member);
                }
            }
        }
        else
        {
            _myServers = choices.TryGetValue(self, out NodeName[]? mine) ? mine : [];
            foreach (NodeName server in _myServers)
            {
                if (state.TryGetMember(server, out NodeSpec? spec))
                {
                    neighbours.Add(spec);
                }
            }
        }

        _neighbours = neighbours.ToArray();
        _neighbourNames.Clear();
        foreach (NodeSpec neighbour in _neighbours)
        {
            _neighbourNames.Add(neighbour.Name);
        }

        if (_unreachableBy.Count > 0)
        {
            foreach (NodeName server in _unreachableBy.Keys)
            {
                if (!state.Contains(server))
                {
                    _unreachableBy.Remove(server);
                }
            }
        }

        ScheduleReport();
    }

    private void OnReport(NodeName from, NodeName[] unreachable)
    {
        if (!_state.TryGetMember(from, out NodeSpec? sender) || !IsServerSpec(sender))
        {
            ClientServerLog.ReportIgnored(_context.Logger, from);
            return;
        }

        if (unreachable.Length == 0)
        {
            _unreachableBy.Remove(from);
        }
        else
        {
            _unreachableBy[from] = new HashSet<NodeName>(unreachable);
        }

        ScheduleReport();
    }

    // Servers only: one report per burst of changes, at least the push gap apart.
    private void ScheduleReport()
    {
        if (!_isServer || _reportScheduled)
        {
            return;
        }

        _reportScheduled = true;
        _context.SetTimer(ReportTimer, _pushGap);
    }

    private static bool SameAs(List<NodeName> list, NodeName[] array)
    {
        if (list.Count != array.Length)
        {
            return false;
        }

        for (int i = 0; i < array.Length; i++)
        {
            if (list[i] != array[i])
            {
                return false;
            }
        }

        return true;
    }

    // The members this server reaches neither directly nor through another server, to every neighbour, when that changed.
    private void Report()
    {
        _reportScheduled = false;
        if (!_isServer)
        {
            return;
        }

        var unreachable = new List<NodeName>();
        NodeName self = _state.Self.Name;
        foreach (NodeSpec member in _state.Members)
        {
            if (member.Name != self && !_context.IsConnected(member.Name) && NextHop(member.Name) is null)
            {
                unreachable.Add(member.Name);
            }
        }

        if (SameAs(unreachable, _lastReport))
        {
            return;
        }

        _lastReport = unreachable.ToArray();
        foreach (NodeSpec neighbour in _neighbours)
        {
            _context.Send(neighbour.Name, _lastReport);
        }
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
        foreach (NodeSpec neighbour in _neighbours)
        {
            _context.Send(neighbour, _state);
        }
    }
}
