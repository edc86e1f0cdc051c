using System.Net;

namespace Partisan.Discovery;

/// <summary>The DNS queries <see cref="DnsPeerDiscovery"/> makes; <see cref="DnsClientLookup"/> asks real nameservers, a test answers itself.</summary>
public interface IDnsLookup
{
    /// <summary>The A and AAAA addresses of <paramref name="name"/> (empty if it has none).</summary>
    /// <param name="name">The host name.</param>
    /// <param name="cancellationToken">Stops the query.</param>
    /// <returns>The addresses.</returns>
    Task<IReadOnlyList<IPAddress>> AddressesAsync(string name, CancellationToken cancellationToken);

    /// <summary>The SRV records of <paramref name="name"/> (empty if it has none).</summary>
    /// <param name="name">The service name.</param>
    /// <param name="cancellationToken">Stops the query.</param>
    /// <returns>The targets.</returns>
    Task<IReadOnlyList<DnsServiceTarget>> ServicesAsync(string name, CancellationToken cancellationToken);
}
