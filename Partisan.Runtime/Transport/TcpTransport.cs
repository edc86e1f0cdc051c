using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace Partisan.Transport;

/// <summary>
/// TCP transport on System.IO.Pipelines, with Nagle off and optional TLS (<see cref="TlsOptions"/>).
/// </summary>
public sealed class TcpTransport : ITransport
{
    private readonly TlsOptions? _tls;

    /// <summary>Creates a TCP transport; pass <paramref name="tls"/> to use TLS on every connection.</summary>
    public TcpTransport(TlsOptions? tls = null)
    {
        if (tls is not null && (tls.Server is null || tls.Client is null))
        {
            throw new ArgumentException("TLS needs both server and client options.", nameof(tls));
        }

        _tls = tls;
    }

    /// <inheritdoc />
    public ValueTask<ITransportListener> ListenAsync(ListenAddress address, Func<ITransportConnection, Task> onAccepted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onAccepted);
        IPAddress ip = ResolveListenIp(address.Host);
        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(ip, address.Port));
            socket.Listen(512);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new PartisanException($"Cannot listen on {address}: {ex.Message}", ex);
        }

        var bound = (IPEndPoint)socket.LocalEndPoint!;
        var listener = new Listener(socket, new ListenAddress(address.Host, bound.Port), onAccepted, _tls);
        return new ValueTask<ITransportListener>(listener);
    }

    /// <inheritdoc />
    public async ValueTask<ITransportConnection> ConnectAsync(ListenAddress address, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(address.Host, address.Port, cancellationToken).ConfigureAwait(false);
            return await CreateConnectionAsync(socket, _tls, isServer: false, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static IPAddress ResolveListenIp(string host)
    {
        if (host is "localhost")
        {
            return IPAddress.Loopback;
        }

        if (host is "*" or "0.0.0.0" or "")
        {
            return IPAddress.Any;
        }

        if (IPAddress.TryParse(host, out IPAddress? ip))
        {
            return ip;
        }

        IPAddress[] addresses = Dns.GetHostAddresses(host);
        return addresses.Length > 0 ? addresses[0] : throw new PartisanException($"Cannot resolve listen host '{host}'.");
    }

    private static async Task<ITransportConnection> CreateConnectionAsync(Socket socket, TlsOptions? tls, bool isServer, CancellationToken cancellationToken)
    {
        socket.NoDelay = true;
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        string remote = socket.RemoteEndPoint?.ToString() ?? "?";
        if (tls is not null)
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(tls.HandshakeTimeout);
            try
            {
                if (isServer)
                {
                    await ssl.AuthenticateAsServerAsync(tls.Server!, timeout.Token).ConfigureAwait(false);
                }
                else
                {
                    await ssl.AuthenticateAsClientAsync(tls.Client!, timeout.Token).ConfigureAwait(false);
                }
            }
            catch
            {
                await ssl.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            stream = ssl;
        }

        return new StreamConnection(stream, socket, remote);
    }

    private sealed class Listener : ITransportListener
    {
        private readonly Socket _socket;
        private readonly Func<ITransportConnection, Task> _onAccepted;
        private readonly TlsOptions? _tls;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _acceptLoop;
        private int _disposed;

        public Listener(Socket socket, ListenAddress local, Func<ITransportConnection, Task> onAccepted, TlsOptions? tls)
        {
            _socket = socket;
            LocalAddress = local;
            _onAccepted = onAccepted;
            _tls = tls;
            _acceptLoop = Task.Run(AcceptLoopAsync);
        }

        public ListenAddress LocalAddress { get; }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket accepted;
                try
                {
                    accepted = await _socket.AcceptAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                catch (SocketException)
                {
                    continue; // a client that went away before accept; keep listening
                }

                _ = HandleAsync(accepted);
            }
        }

        private async Task HandleAsync(Socket accepted)
        {
            ITransportConnection connection;
            try
            {
                connection = await CreateConnectionAsync(accepted, _tls, isServer: true, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
            {
                accepted.Dispose(); // a failed TLS handshake affects this connection only
                return;
            }

            await _onAccepted(connection).ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            await _stop.CancelAsync().ConfigureAwait(false);
            _socket.Dispose();
            try
            {
                await _acceptLoop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            _stop.Dispose();
        }
    }

    private sealed class StreamConnection : ITransportConnection
    {
        private readonly Stream _stream;
        private readonly Socket _socket;
        private int _disposed;

        public StreamConnection(Stream stream, Socket socket, string remote)
        {
            _stream = stream;
            _socket = socket;
            RemoteEndPoint = remote;
            Input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
            Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024, leaveOpen: true));
        }

        public PipeReader Input { get; }

        public PipeWriter Output { get; }

        public string RemoteEndPoint { get; }

        public void Abort()
        {
            try
            {
                _socket.LingerState = new LingerOption(true, 0);
                _socket.Close(0);
            }
            catch (ObjectDisposedException)
            {
            }
            catch (SocketException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }

            await Input.CompleteAsync().ConfigureAwait(false);
            await Output.CompleteAsync().ConfigureAwait(false);
            await _stream.DisposeAsync().ConfigureAwait(false);
            _socket.Dispose();
        }
    }
}
