namespace Partisan.Discovery;

/// <summary>One SRV record: a host name and a port.</summary>
/// <param name="Host">The target host (resolved to its A/AAAA addresses).</param>
/// <param name="Port">The port.</param>
public readonly record struct DnsServiceTarget(string Host, int Port);
