namespace Partisan.Discovery;

/// <summary>The discovery a node runs from configuration (<c>Partisan:Discovery:Kind</c>).</summary>
public enum DiscoveryKind
{
    /// <summary>No discovery: join by hand or with <see cref="PartisanOptions.Seeds"/>.</summary>
    None = 0,

    /// <summary>The fixed list <see cref="DiscoveryOptions.Peers"/>.</summary>
    Static = 1,

    /// <summary>DNS: <see cref="DiscoveryOptions.DnsName"/>, records by <see cref="DiscoveryOptions.DnsRecords"/>.</summary>
    Dns = 2,
}
