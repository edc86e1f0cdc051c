using System.Net.Security;

namespace Partisan.Transport;

/// <summary>
/// TLS for the TCP transport. Server and client options are separate (as in Partisan 5): a node uses
/// <see cref="Server"/> for connections it accepts and <see cref="Client"/> for those it opens.
/// TLS runs under the cluster-secret handshake, which still authenticates the peer node.
/// </summary>
public sealed class TlsOptions
{
    /// <summary>Options for accepted connections (must carry a server certificate).</summary>
    public SslServerAuthenticationOptions? Server { get; set; }

    /// <summary>Options for outgoing connections (target host, validation callback, client certificates).</summary>
    public SslClientAuthenticationOptions? Client { get; set; }

    /// <summary>How long the TLS handshake may take.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
