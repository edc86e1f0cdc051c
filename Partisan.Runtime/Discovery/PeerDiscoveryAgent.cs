using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Partisan.Discovery;

/// <summary>
/// Partisan's discovery agent: every <see cref="DiscoveryOptions.Interval"/> (on the node's clock) it asks an
/// <see cref="IPeerDiscovery"/> for peers, joins each address that is neither this node's nor a member's, and, with
/// <see cref="DiscoveryOptions.RemoveVanished"/>, removes a member whose address it found before and finds no more (again
/// each round while that member is back, until the address is found again or no member owns it). A
/// failed lookup or join is logged and tried again next round. Dispose to stop.
/// </summary>
public sealed partial class PeerDiscoveryAgent : IAsyncDisposable
{
    private readonly PartisanNode _node;
    private readonly IPeerDiscovery _discovery;
    private readonly DiscoveryOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private HashSet<ListenAddress> _lastFound = [];
    private readonly HashSet<ListenAddress> _vanished = [];
    private readonly List<ListenAddress> _forgotten = [];
    private Task _loop = Task.CompletedTask;
    private long _rounds;

    /// <summary>An agent for <paramref name="node"/> (not running until <see cref="Start"/>).</summary>
    /// <param name="node">The node that joins.</param>
    /// <param name="discovery">Where the peers come from.</param>
    /// <param name="options">Interval and removal.</param>
    /// <param name="logger">Where lookups and joins are logged.</param>
    /// <param name="timeProvider">The clock of the rounds (default: the node's).</param>
    public PeerDiscoveryAgent(PartisanNode node, IPeerDiscovery discovery, DiscoveryOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(discovery);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Interval, TimeSpan.Zero);
        _node = node;
        _discovery = discovery;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? node.TimeProvider;
    }

    /// <summary>Rounds completed so far.</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>Runs the first round now and then one every interval until disposed.</summary>
    public void Start() => _loop = Task.Run(() => LoopAsync(_stopping.Token));

    /// <summary>One round: look up, join what is new, remove what vanished (when asked to).</summary>
    /// <param name="cancellationToken">Stops the round.</param>
    /// <returns>A task that completes when the round's joins and removals are done.</returns>
    public async Task RunOnceAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<ListenAddress> found;
        try
        {
            found = await _discovery.DiscoverAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.LookupFailed(_logger, _node.Name, ex);
            return;
        }

        var now = new HashSet<ListenAddress>(found);
        IReadOnlyList<NodeSpec> members = _node.PeerService.MemberSpecs;
        foreach (ListenAddress address in now)
        {
            if (Owner(members, address) is null)
            {
                try
                {
                    await _node.JoinAsync(address, cancellationToken).ConfigureAwait(false);
                    Log.Joined(_logger, _node.Name, address);
                }
                catch (PartisanException ex)
                {
                    Log.JoinFailed(_logger, _node.Name, address, ex);
                }
            }
        }

        if (_options.RemoveVanished)
        {
            // An address found before and missing now has vanished until it is found again. Its member is removed every
            // round while it is one: a removal can lose to a concurrent add (another node's join of it, its own re-add),
            // which the membership CRDT lets win, so one attempt is not enough. Once no member owns it, it is forgotten.
            _vanished.UnionWith(_lastFound);
            _vanished.ExceptWith(now);
            _forgotten.Clear();
            foreach (ListenAddress gone in _vanished)
            {
                if (Owner(_node.PeerService.MemberSpecs, gone) is { } node && node != _node.Name)
                {
                    await _node.LeaveAsync(node, cancellationToken).ConfigureAwait(false);
                    Log.Removed(_logger, _node.Name, node, gone);
                }
                else
                {
                    _forgotten.Add(gone);
                }
            }

            _vanished.ExceptWith(_forgotten);
        }

        _lastFound = now;
        Interlocked.Increment(ref _rounds);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    /// <summary>The member (this node included) that listens on <paramref name="address"/>, or null.</summary>
    private static NodeName? Owner(IReadOnlyList<NodeSpec> members, ListenAddress address)
    {
        foreach (NodeSpec spec in members)
        {
            if (spec.ListenAddresses.Contains(address))
            {
                return spec.Name;
            }
        }

        return null;
    }

    private async Task LoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            await RunOnceAsync(stopping).ConfigureAwait(false);
            await Task.Delay(_options.Interval, _time, stopping).ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "{Node}: peer discovery lookup failed; trying again next round")]
        public static partial void LookupFailed(ILogger logger, NodeName node, Exception error);

        [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "{Node}: joined {Address}, found by discovery")]
        public static partial void Joined(ILogger logger, NodeName node, ListenAddress address);

        [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "{Node}: could not join {Address}, found by discovery; trying again next round")]
        public static partial void JoinFailed(ILogger logger, NodeName node, ListenAddress address, Exception error);

        [LoggerMessage(EventId = 9004, Level = LogLevel.Information, Message = "{Node}: removed {Member}: its address {Address} is no longer discovered")]
        public static partial void Removed(ILogger logger, NodeName node, NodeName member, ListenAddress address);
    }
}
