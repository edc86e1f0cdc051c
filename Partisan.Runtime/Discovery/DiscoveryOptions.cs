namespace Partisan.Discovery;

/// <summary>
/// Peer discovery settings (<see cref="PartisanOptions.Discovery"/>; configuration section <c>Partisan:Discovery</c>):
/// which discovery, how often, and whether a peer that disappears from it is removed from the cluster.
/// </summary>
public sealed class DiscoveryOptions
{
    /// <summary>Which discovery runs (default none).</summary>
    public DiscoveryKind Kind { get; set; }

    /// <summary>Time between rounds, on the node's clock (default 5 s; the first round runs at start).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Remove from the cluster (<see cref="PartisanNode.LeaveAsync(NodeName, CancellationToken)"/>) a member whose listen
    /// address this node's discovery found before and no longer finds (default false: a node that is not in DNS for a
    /// moment, e.g. while it restarts, is not removed). Matching is by the member's advertised listen addresses.
    /// </summary>
    public bool RemoveVanished { get; set; }

    /// <summary>The peers of <see cref="DiscoveryKind.Static"/> (<c>host:port</c>).</summary>
    public IList<string> Peers { get; } = new List<string>();

    /// <summary>The name <see cref="DiscoveryKind.Dns"/> queries, e.g. <c>partisan.my-namespace.svc.cluster.local</c> or an SRV name.</summary>
    public string? DnsName { get; set; }

    /// <summary>Which records of <see cref="DnsName"/> (default A/AAAA with <see cref="Port"/>).</summary>
    public DnsRecordKind DnsRecords { get; set; }

    /// <summary>The peers' listen port when the records are addresses (default 9000).</summary>
    public int Port { get; set; } = 9000;

    /// <summary>Nameservers to ask (<c>ip</c> or <c>ip:port</c>); empty: the system's.</summary>
    public IList<string> Nameservers { get; } = new List<string>();

    /// <summary>How long one DNS query may take (default 5 s).</summary>
    public TimeSpan DnsTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The discovery these options describe, or null for <see cref="DiscoveryKind.None"/>.</summary>
    /// <returns>The discovery.</returns>
    /// <exception cref="InvalidOperationException">The options are incomplete (no peers, no DNS name).</exception>
    public IPeerDiscovery? Create() => Kind switch
    {
        DiscoveryKind.None => null,
        DiscoveryKind.Static when Peers.Count > 0 => new StaticPeerDiscovery(Peers.Select(ListenAddress.Parse)),
        DiscoveryKind.Static => throw new InvalidOperationException("Discovery:Kind is Static but Discovery:Peers is empty."),
        DiscoveryKind.Dns when !string.IsNullOrWhiteSpace(DnsName) =>
            new DnsPeerDiscovery(new DnsClientLookup(Nameservers.ToArray(), DnsTimeout), DnsName, DnsRecords, Port),
        DiscoveryKind.Dns => throw new InvalidOperationException("Discovery:Kind is Dns but Discovery:DnsName is not set."),
        _ => throw new InvalidOperationException($"Unknown discovery kind {Kind}."),
    };
}
