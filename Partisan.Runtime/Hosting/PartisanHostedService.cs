using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Partisan.Discovery;

namespace Partisan.Hosting;

/// <summary>
/// Runs a <see cref="PartisanNode"/> for the lifetime of a host (registered by <c>services.AddPartisan(...)</c>).
/// <see cref="StartAsync"/> starts the node (it listens before the method returns), then joins the configured
/// <see cref="PartisanOptions.Seeds"/> in the background; <see cref="StopAsync"/> stops the node.
/// </summary>
/// <remarks>
/// Each seed is dialled until the join succeeds, the seed turns out to be a member already (joined through
/// another seed), or the host stops; failures are logged as warnings with the reason (seed down, wrong cluster
/// secret, ...) and retried after <see cref="PartisanOptions.ReconnectMinDelay"/>, doubling up to
/// <see cref="PartisanOptions.ReconnectMaxDelay"/>. A seed down never delays or fails the host's start. A seed
/// that is this node's own address (the same host and port as one it listens on, or a loopback or local host
/// name with the port of a wildcard address) is skipped, so every node of a cluster can share one seed list.
/// </remarks>
public sealed class PartisanHostedService : IHostedService, IDisposable
{
    private readonly PartisanOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _joining = Task.CompletedTask;
    private PeerDiscoveryAgent? _discovery;
    private int _disposed;

    /// <summary>Creates the service for <paramref name="node"/>, configured by <paramref name="options"/> (the node's options).</summary>
    public PartisanHostedService(PartisanNode node, IOptions<PartisanOptions> options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(options);
        Node = node;
        _options = options.Value;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(HostingLog.Category);
    }

    /// <summary>The node this service runs.</summary>
    public PartisanNode Node { get; }

    /// <summary>Completes when every seed has been joined (or skipped), or the service stopped trying; never faults.</summary>
    public Task SeedsJoined => _joining;

    /// <summary>Starts the node, then starts joining the seeds in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (PartisanOptionsSetup.ReportFor(_options) is { } report)
        {
            foreach (string warning in report.Warnings)
            {
                HostingLog.ConfigurationWarning(_logger, warning);
            }
        }

        HostingLog.Starting(_logger, Node.Name);
        try
        {
            await Node.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            HostingLog.StartFailed(_logger, Node.Name, ex);
            throw;
        }

        var seeds = new List<ListenAddress>();
        foreach (string text in _options.Seeds)
        {
            ListenAddress seed = ListenAddress.Parse(text);
            if (IsSelf(seed))
            {
                HostingLog.SeedIsSelf(_logger, seed.ToString());
            }
            else if (!seeds.Contains(seed))
            {
                seeds.Add(seed);
            }
        }

        if (seeds.Count > 0)
        {
            CancellationToken stopping = _stopping.Token;
            _joining = Task.Run(() => Task.WhenAll(seeds.ConvertAll(seed => JoinSeedAsync(seed, stopping))), CancellationToken.None);
        }

        if ((_options.PeerDiscovery ?? _options.Discovery.Create()) is { } discovery)
        {
            _discovery = new PeerDiscoveryAgent(Node, discovery, _options.Discovery, _logger);
            _discovery.Start();
        }

        HostingLog.Started(_logger, Node.Name, string.Join(", ", Node.ListenAddresses), seeds.Count);
    }

    /// <summary>Stops joining seeds and stops the node, giving up waiting when <paramref name="cancellationToken"/> (the host's shutdown timeout) fires.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        HostingLog.Stopping(_logger, Node.Name);
        if (_discovery is not null)
        {
            await _discovery.DisposeAsync().ConfigureAwait(false);
        }

        if (Volatile.Read(ref _disposed) == 0)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await _joining.WaitAsync(cancellationToken).ConfigureAwait(false);
            await Node.DisposeAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            HostingLog.Stopped(_logger, Node.Name);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            HostingLog.StopTimedOut(_logger, Node.Name);
        }
    }

    /// <summary>Stops joining seeds (it does not stop the node; <see cref="StopAsync"/> or disposing the node does).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task JoinSeedAsync(ListenAddress seed, CancellationToken stopping)
    {
        string address = seed.ToString();
        TimeSpan delay = _options.ReconnectMinDelay;
        for (int attempt = 1; !stopping.IsCancellationRequested; attempt++)
        {
            if (IsMember(seed))
            {
                HostingLog.SeedAlreadyMember(_logger, address);
                return;
            }

            try
            {
                await Node.JoinAsync(seed, stopping).ConfigureAwait(false);
                HostingLog.SeedJoined(_logger, address, attempt);
                return;
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return; // the node was stopped by someone else
            }
            catch (Exception ex)
            {
                string reason = ex is PartisanException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
                HostingLog.SeedJoinFailed(_logger, address, attempt, reason, delay);
            }

            try
            {
                await Task.Delay(delay, Node.TimeProvider, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Math.Max(_options.ReconnectMaxDelay.Ticks, _options.ReconnectMinDelay.Ticks)));
        }
    }

    /// <summary>True when another member of this node's cluster listens at <paramref name="seed"/>.</summary>
    private bool IsMember(ListenAddress seed)
    {
        foreach (NodeSpec spec in Node.PeerService.MemberSpecs)
        {
            if (spec.Name != Node.Name && spec.ListenAddresses.Contains(seed))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="seed"/> is an address this node listens on.</summary>
    private bool IsSelf(ListenAddress seed)
    {
        foreach (ListenAddress own in Node.ListenAddresses.Concat(_options.ListenAddresses.Select(ListenAddress.Parse)))
        {
            if (own.Port == 0 || own.Port != seed.Port)
            {
                continue;
            }

            if (string.Equals(own.Host, seed.Host, StringComparison.OrdinalIgnoreCase)
                || (IsWildcard(own.Host) && IsLocal(seed.Host))
                || (IsLoopback(own.Host) && IsLoopback(seed.Host)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsWildcard(string host) =>
        host is "0.0.0.0" or "::" or "[::]" or "*" or "+";

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? ip) && IPAddress.IsLoopback(ip));

    private static bool IsLocal(string host) =>
        IsLoopback(host) || string.Equals(host, Dns.GetHostName(), StringComparison.OrdinalIgnoreCase);
}
