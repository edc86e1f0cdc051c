using System.Net;
using DnsClient;
using DnsClient.Protocol;

namespace Partisan.Discovery;

/// <summary><see cref="IDnsLookup"/> over DnsClient: the system's nameservers, or the ones given; no cache, so a record that goes away is seen at the next round.</summary>
public sealed class DnsClientLookup : IDnsLookup
{
    private readonly LookupClient _client;

    /// <summary>Queries <paramref name="nameservers"/> (<c>ip</c> or <c>ip:port</c>), or the system's when there are none.</summary>
    /// <param name="nameservers">The nameservers.</param>
    /// <param name="timeout">How long one query may take.</param>
    public DnsClientLookup(IReadOnlyCollection<string> nameservers, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(nameservers);
        LookupClientOptions options = nameservers.Count == 0
            ? new LookupClientOptions()
            : new LookupClientOptions(nameservers.Select(ParseNameServer).ToArray());
        options.UseCache = false;
        options.Timeout = timeout;
        options.Retries = 1;
        options.ThrowDnsErrors = false;
        _client = new LookupClient(options);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<IPAddress>> AddressesAsync(string name, CancellationToken cancellationToken)
    {
        var addresses = new List<IPAddress>();
        foreach (QueryType type in new[] { QueryType.A, QueryType.AAAA })
        {
            IDnsQueryResponse response = await _client.QueryAsync(name, type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            addresses.AddRange(response.Answers.OfType<AddressRecord>().Select(r => r.Address));
        }

        return addresses;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DnsServiceTarget>> ServicesAsync(string name, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response = await _client.QueryAsync(name, QueryType.SRV, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        return response.Answers.SrvRecords().Select(r => new DnsServiceTarget(r.Target.Value.TrimEnd('.'), r.Port)).ToArray();
    }

    private static NameServer ParseNameServer(string text) =>
        IPEndPoint.TryParse(text, out IPEndPoint? endPoint)
            ? new NameServer(endPoint.Port == 0 ? new IPEndPoint(endPoint.Address, NameServer.DefaultPort) : endPoint)
            : throw new FormatException($"'{text}' is not a nameserver address (ip or ip:port).");
}
