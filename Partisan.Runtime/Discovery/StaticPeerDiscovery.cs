namespace Partisan.Discovery;

/// <summary>A fixed list of peers (<c>host:port</c>), the same every round.</summary>
public sealed class StaticPeerDiscovery : IPeerDiscovery
{
    private readonly IReadOnlyList<ListenAddress> _peers;

    /// <summary>Discovers <paramref name="peers"/>.</summary>
    /// <param name="peers">The peers' listen addresses.</param>
    public StaticPeerDiscovery(IEnumerable<ListenAddress> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        _peers = peers.ToArray();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ListenAddress>> DiscoverAsync(CancellationToken cancellationToken) => Task.FromResult(_peers);
}
