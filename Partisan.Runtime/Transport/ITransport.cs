using System.IO.Pipelines;

namespace Partisan.Transport;

/// <summary>
/// Moves bytes between nodes. A transport only opens duplex byte pipes; framing, the handshake,
/// authentication and keep-alive sit above it and are the same for every transport. Two ship:
/// <see cref="TcpTransport"/> (with optional TLS) and <see cref="InMemoryTransport"/> (many nodes in one process).
/// Fault injection wraps a transport.
/// </summary>
public interface ITransport
{
    /// <summary>Starts accepting connections on <paramref name="address"/>; each accepted connection is handed to <paramref name="onAccepted"/>.</summary>
    ValueTask<ITransportListener> ListenAsync(ListenAddress address, Func<ITransportConnection, Task> onAccepted, CancellationToken cancellationToken);

    /// <summary>Opens a connection to <paramref name="address"/>.</summary>
    ValueTask<ITransportConnection> ConnectAsync(ListenAddress address, CancellationToken cancellationToken);
}

/// <summary>A listening endpoint; disposing it stops accepting (established connections stay).</summary>
public interface ITransportListener : IAsyncDisposable
{
    /// <summary>The address actually bound (with the real port when 0 was asked for).</summary>
    ListenAddress LocalAddress { get; }
}

/// <summary>One open byte stream between two nodes.</summary>
public interface ITransportConnection : IDuplexPipe, IAsyncDisposable
{
    /// <summary>The remote end, for logs.</summary>
    string RemoteEndPoint { get; }

    /// <summary>Closes the connection at once, without flushing.</summary>
    void Abort();
}
