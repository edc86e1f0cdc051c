using System.Net;

namespace Partisan.Discovery;

/// <summary>
/// Peers from DNS, as a Kubernetes headless service publishes them: the A/AAAA addresses of a name with one port
/// (<see cref="DnsRecordKind.Address"/>), or its SRV records, each target resolved with the record's port
/// (<see cref="DnsRecordKind.Srv"/>). A name that does not resolve (yet) is no peers, not an error.
/// </summary>
public sealed class DnsPeerDiscovery : IPeerDiscovery
{
    private readonly IDnsLookup _lookup;
    private readonly string _name;
    private readonly DnsRecordKind _kind;
    private readonly int _port;

    /// <summary>Discovers through <paramref name="lookup"/>.</summary>
    /// <param name="lookup">The DNS queries (<see cref="DnsClientLookup"/>).</param>
    /// <param name="name">The name to query.</param>
    /// <param name="kind">Which records.</param>
    /// <param name="port">The peers' port, for <see cref="DnsRecordKind.Address"/>.</param>
    public DnsPeerDiscovery(IDnsLookup lookup, string name, DnsRecordKind kind, int port)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (kind == DnsRecordKind.Address)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        }

        _lookup = lookup;
        _name = name;
        _kind = kind;
        _port = port;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ListenAddress>> DiscoverAsync(CancellationToken cancellationToken)
    {
        var found = new List<ListenAddress>();
        if (_kind == DnsRecordKind.Address)
        {
            foreach (IPAddress address in await _lookup.AddressesAsync(_name, cancellationToken).ConfigureAwait(false))
            {
                found.Add(new ListenAddress(address.ToString(), _port));
            }

            return found;
        }

        foreach (DnsServiceTarget target in await _lookup.ServicesAsync(_name, cancellationToken).ConfigureAwait(false))
        {
            foreach (IPAddress address in await _lookup.AddressesAsync(target.Host, cancellationToken).ConfigureAwait(false))
            {
                found.Add(new ListenAddress(address.ToString(), target.Port));
            }
        }

        return found;
    }
}
