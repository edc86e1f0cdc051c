using System.Net;
using Partisan.Discovery;

namespace Partisan.Tests.Discovery;

/// <summary>A nameserver in memory: the test sets the records, and every query reads them as they are now.</summary>
internal sealed class FakeDnsLookup : IDnsLookup
{
    public Dictionary<string, IPAddress[]> Addresses { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, DnsServiceTarget[]> Services { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Task<IReadOnlyList<IPAddress>> AddressesAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IPAddress>>(Addresses.TryGetValue(name, out IPAddress[]? found) ? found : []);

    public Task<IReadOnlyList<DnsServiceTarget>> ServicesAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DnsServiceTarget>>(Services.TryGetValue(name, out DnsServiceTarget[]? found) ? found : []);
}
