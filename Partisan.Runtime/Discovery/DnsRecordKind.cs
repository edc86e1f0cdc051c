namespace Partisan.Discovery;

/// <summary>Which DNS records <see cref="DnsPeerDiscovery"/> reads.</summary>
public enum DnsRecordKind
{
    /// <summary>A and AAAA records of the name: every address, with <see cref="DiscoveryOptions.Port"/>.</summary>
    Address = 0,

    /// <summary>SRV records of the name (e.g. <c>_partisan._tcp.my-service.my-namespace.svc.cluster.local</c>): each target's addresses with the record's port.</summary>
    Srv = 1,
}
