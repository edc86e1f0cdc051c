namespace Partisan.Discovery;

/// <summary>
/// Finds the addresses of the nodes a node should join (Partisan's discovery agent's strategy): a fixed list
/// (<see cref="StaticPeerDiscovery"/>), DNS (<see cref="DnsPeerDiscovery"/>: A/AAAA or SRV records, as a Kubernetes
/// headless service publishes them), or your own. A <see cref="PeerDiscoveryAgent"/> asks it every interval.
/// </summary>
public interface IPeerDiscovery
{
    /// <summary>The peers' listen addresses as known now (this node's own may be among them; the agent skips it).</summary>
    /// <param name="cancellationToken">Stops the lookup.</param>
    /// <returns>The addresses, in any order, possibly with duplicates.</returns>
    Task<IReadOnlyList<ListenAddress>> DiscoverAsync(CancellationToken cancellationToken);
}
