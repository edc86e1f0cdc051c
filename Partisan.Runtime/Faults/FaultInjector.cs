using Partisan.Channels;
using Partisan.Connections;

namespace Partisan.Faults;

/// <summary>
/// Fault injection for one node, in release builds (Partisan's interposition functions exist in test builds only): rules
/// that drop, delay, duplicate or reorder frames and messages per peer and direction, by a seeded probability or a
/// predicate (<see cref="Add"/>); interposition functions on send and receive (<see cref="AddInterposition"/>);
/// partitions (<see cref="InjectPartition"/>); connection kills (<see cref="KillConnections"/>). Works on every transport:
/// it sits in the node's connections and delivery pipeline, not in a transport. Null on a node without
/// <see cref="FaultOptions.Enabled"/>, so each hook costs one null check when off.
/// </summary>
public sealed partial class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly Random _random;
    private readonly TimeProvider _time;
    private readonly ConnectionManager _connections;
    private FaultRule[] _frameRules = [];
    private FaultRule[] _messageRules = [];
    private InterpositionFunc[] _interpositions = [];
    private readonly Dictionary<long, object> _byHandle = new();
    private readonly Dictionary<long, Partition> _partitions = new();
    private volatile NodeName[] _partitioned = [];
    private volatile bool _isolated;
    private long _nextHandle;
    private volatile bool _framesActive;

    /// <summary>
    /// True while a frame rule or a partition is in force: the connections' writer and reader test this flag (after the
    /// null check of a node without fault injection) and call nothing else while it is false.
    /// </summary>
    internal bool FramesActive => _framesActive;

    /// <summary>Called (once, outside the lock) when the first interposition function or predicate rule is added: the node installs the fault stage in its delivery pipeline then.</summary>
    internal Action? MessageFaultsAdded { get; set; }

    internal FaultInjector(FaultOptions options, TimeProvider time, ConnectionManager connections)
    {
        Seed = options.Seed ?? Random.Shared.Next();
        _random = new Random(Seed);
        _time = time;
        _connections = connections;
    }

    /// <summary>The seed of the random source (print it: the same seed and schedule replay the same draws).</summary>
    public int Seed { get; }

    /// <summary>Frames and messages dropped so far.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Frames and messages duplicated so far.</summary>
    public long Duplicated => Interlocked.Read(ref _duplicated);

    /// <summary>Frames and messages delayed or reordered so far.</summary>
    public long Delayed => Interlocked.Read(ref _delayed);

    private long _dropped;
    private long _duplicated;
    private long _delayed;

    /// <summary>Adds <paramref name="rule"/>; returns the handle that removes it.</summary>
    /// <exception cref="ArgumentException">The probability is not between 0 and 1, or a delay rule has no delay.</exception>
    public FaultHandle Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Probability is < 0 or > 1 || double.IsNaN(rule.Probability))
        {
            throw new ArgumentException($"A fault's probability must be between 0 and 1, not {rule.Probability}.", nameof(rule));
        }

        if (rule.Action == FaultAction.Delay && rule.Delay <= TimeSpan.Zero)
        {
            throw new ArgumentException("A delay rule needs a positive Delay.", nameof(rule));
        }

        FaultHandle handle;
        lock (_gate)
        {
            long id = ++_nextHandle;
            _byHandle[id] = rule;
            if (rule.When is null)
            {
                _frameRules = [.. _frameRules, rule];
                UpdateFramesActive();
            }
            else
            {
                _messageRules = [.. _messageRules, rule];
            }

            handle = new FaultHandle(id);
        }

        if (rule.When is not null)
        {
            MessageFaultsAdded?.Invoke();
        }

        return handle;
    }

    /// <summary>Adds an interposition function on sent and received user messages; returns the handle that removes it.</summary>
    public FaultHandle AddInterposition(InterpositionFunc interposition)
    {
        ArgumentNullException.ThrowIfNull(interposition);
        FaultHandle handle;
        lock (_gate)
        {
            long id = ++_nextHandle;
            _byHandle[id] = interposition;
            _interpositions = [.. _interpositions, interposition];
            handle = new FaultHandle(id);
        }

        MessageFaultsAdded?.Invoke();
        return handle;
    }

    /// <summary>Removes a rule or interposition function; false when it was already removed.</summary>
    public bool Remove(FaultHandle handle)
    {
        lock (_gate)
        {
            if (!_byHandle.Remove(handle.Id, out object? what))
            {
                return false;
            }

            _frameRules = Without(_frameRules, what);
            _messageRules = Without(_messageRules, what);
            _interpositions = Without(_interpositions, what);
            UpdateFramesActive();
            return true;
        }
    }

    /// <summary>Removes every rule and interposition function (partitions stay).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            foreach (long id in _byHandle.Keys.ToArray())
            {
                _byHandle.Remove(id);
            }

            _frameRules = [];
            _messageRules = [];
            _interpositions = [];
            UpdateFramesActive();
        }
    }

    // Under _gate.
    private void UpdateFramesActive() => _framesActive = _frameRules.Length != 0 || _partitioned.Length != 0 || _isolated;

    private static T[] Without<T>(T[] items, object what)
    {
        int at = Array.IndexOf(items, what);
        return at < 0 ? items : [.. items[..at], .. items[(at + 1)..]];
    }

    /// <summary>Closes this node's open connections to <paramref name="peer"/> (on <paramref name="channel"/> only, when given) at once, as a network failure would; returns how many. The node redials as usual.</summary>
    public int KillConnections(NodeName peer, string? channel = null)
    {
        int killed = 0;
        foreach (PeerConnection connection in _connections.OpenConnections())
        {
            if (connection.Peer.Name == peer && (channel is null || connection.ChannelName == channel))
            {
                connection.Close("killed_by_fault_injection");
                killed++;
            }
        }

        return killed;
    }

    private bool Draw(double probability)
    {
        if (probability >= 1)
        {
            return true;
        }

        if (probability <= 0)
        {
            return false;
        }

        lock (_random)
        {
            return _random.NextDouble() < probability;
        }
    }

    private static bool Matches(FaultRule rule, FaultDirection direction, NodeName peer, string? channel) =>
        rule.Direction == direction && (rule.Peer is null || rule.Peer.Value == peer) && (rule.Channel is null || channel is null || rule.Channel == channel);

    /// <summary>Decides the fate of a frame a writer to <paramref name="peer"/> took from its queue (not pings, not goodbyes).</summary>
    internal FrameFate OnSendFrame(NodeName peer, ConnectionSlot slot, OutboundFrame frame)
    {
        if (IsPartitioned(peer))
        {
            Interlocked.Increment(ref _dropped);
            OutboundFrame.Return(frame);
            return FrameFate.Dropped;
        }

        if (frame.FaultApplied)
        {
            return FrameFate.Write;
        }

        FaultRule[] rules = _frameRules;
        for (int i = 0; i < rules.Length; i++)
        {
            FaultRule rule = rules[i];
            if (!Matches(rule, FaultDirection.Send, peer, slot.Channel.Name) || !Draw(rule.Probability))
            {
                continue;
            }

            switch (rule.Action)
            {
                case FaultAction.Drop:
                    Interlocked.Increment(ref _dropped);
                    OutboundFrame.Return(frame);
                    return FrameFate.Dropped;
                case FaultAction.Duplicate:
                    Interlocked.Increment(ref _duplicated);
                    return FrameFate.Duplicate;
                case FaultAction.Reorder:
                    Interlocked.Increment(ref _delayed);
                    frame.FaultApplied = true;
                    slot.Queue.EnqueueUnbounded(frame);
                    return FrameFate.Held;
                case FaultAction.Delay:
                    Interlocked.Increment(ref _delayed);
                    frame.FaultApplied = true;
                    Later(rule.Delay, () => slot.Queue.EnqueueUnbounded(frame));
                    return FrameFate.Held;
            }
        }

        return FrameFate.Write;
    }

    /// <summary>True when a frame read from <paramref name="peer"/> is to be lost; <paramref name="duplicate"/> when it is to be handled twice.</summary>
    internal bool DropsReceivedFrame(NodeName peer, string channel, out bool duplicate)
    {
        duplicate = false;
        if (IsPartitioned(peer))
        {
            Interlocked.Increment(ref _dropped);
            return true;
        }

        FaultRule[] rules = _frameRules;
        for (int i = 0; i < rules.Length; i++)
        {
            FaultRule rule = rules[i];
            if (!Matches(rule, FaultDirection.Receive, peer, channel) || !Draw(rule.Probability))
            {
                continue;
            }

            if (rule.Action == FaultAction.Drop)
            {
                Interlocked.Increment(ref _dropped);
                return true;
            }

            if (rule.Action == FaultAction.Duplicate)
            {
                Interlocked.Increment(ref _duplicated);
                duplicate = true;
            }
        }

        return false;
    }

    /// <summary>Runs the interposition functions and the predicate rules on a user message, in the order added; the first that does not pass decides.</summary>
    internal InterpositionResult Interpose(FaultDirection direction, NodeName peer, object message)
    {
        InterpositionFunc[] funs = _interpositions;
        for (int i = 0; i < funs.Length; i++)
        {
            InterpositionResult result = funs[i](direction, peer, message);
            if (result.Kind != InterpositionKind.Pass)
            {
                Count(result.Kind);
                return result;
            }
        }

        FaultRule[] rules = _messageRules;
        for (int i = 0; i < rules.Length; i++)
        {
            FaultRule rule = rules[i];
            if (Matches(rule, direction, peer, null) && rule.When!(message) && Draw(rule.Probability))
            {
                InterpositionResult result = rule.Action switch
                {
                    FaultAction.Drop => InterpositionResult.Drop,
                    FaultAction.Duplicate => InterpositionResult.Duplicate,
                    FaultAction.Delay => InterpositionResult.DelayBy(rule.Delay),
                    _ => InterpositionResult.DelayBy(TimeSpan.FromMilliseconds(1)),
                };
                Count(result.Kind);
                return result;
            }
        }

        return InterpositionResult.Pass;
    }

    private void Count(InterpositionKind kind)
    {
        switch (kind)
        {
            case InterpositionKind.Drop:
                Interlocked.Increment(ref _dropped);
                break;
            case InterpositionKind.Duplicate:
                Interlocked.Increment(ref _duplicated);
                break;
            case InterpositionKind.Delay:
                Interlocked.Increment(ref _delayed);
                break;
        }
    }

    /// <summary>Runs <paramref name="action"/> after <paramref name="delay"/> on the node's clock.</summary>
    internal void Later(TimeSpan delay, Action action)
    {
        ITimer? timer = null;
        timer = _time.CreateTimer(
            _ =>
            {
                timer?.Dispose();
                action();
            },
            null,
            delay,
            Timeout.InfiniteTimeSpan);
    }
}
