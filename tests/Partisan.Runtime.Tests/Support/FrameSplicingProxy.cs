using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Partisan.Tests.Support;

/// <summary>
/// A man in the middle on 127.0.0.1 that never knew the cluster secret: it forwards each connection it accepts to a
/// target, whole frames from the dialer to the target (so it can inject or replay a frame between two genuine ones,
/// after passing a genuine handshake through) and bytes as they come back.
/// </summary>
public sealed class FrameSplicingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Link> _links = new();
    private readonly Task _accepting;

    public FrameSplicingProxy(ListenAddress target)
    {
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public ListenAddress Address => new("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port);

    /// <summary>The connections relayed so far, oldest first.</summary>
    public IReadOnlyList<Link> Links
    {
        get
        {
            lock (_links)
            {
                return _links.ToArray();
            }
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                Socket client = await _listener.AcceptSocketAsync(_stop.Token);
                var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await server.ConnectAsync(_target, _stop.Token);
                lock (_links)
                {
                    _links.Add(new Link(client, server));
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        foreach (Link link in Links)
        {
            link.Close();
        }

        _stop.Dispose();
    }

    /// <summary>One relayed connection.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Closing the sockets ends both pumps; the stream and semaphore hold nothing else.")]
    public sealed class Link
    {
        private readonly Socket _client;
        private readonly Socket _server;
        private readonly NetworkStream _toServer;
        private readonly SemaphoreSlim _writing = new(1, 1);
        private readonly TaskCompletionSource _serverClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private byte[]? _last;
        private int _forwarded;

        internal Link(Socket client, Socket server)
        {
            _client = client;
            _server = server;
            _toServer = new NetworkStream(server, ownsSocket: false);
            _ = UpstreamAsync();
            _ = DownstreamAsync();
        }

        /// <summary>Frames forwarded from the dialer (the handshake's Hello and Auth are the first two).</summary>
        public int FramesForwarded => Volatile.Read(ref _forwarded);

        /// <summary>Completes when the target closes the connection.</summary>
        public Task ServerClosed => _serverClosed.Task;

        /// <summary>Sends a frame of the proxy's own making to the target, between two genuine frames.</summary>
        public Task InjectAsync(byte[] body)
        {
            byte[] frame = new byte[body.Length + 4];
            BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)body.Length);
            body.CopyTo(frame, 4);
            return SendAsync(frame);
        }

        /// <summary>Sends the last genuine frame again.</summary>
        public Task ReplayLastAsync() => SendAsync(Volatile.Read(ref _last) ?? throw new InvalidOperationException("No frame forwarded yet."));

        private async Task SendAsync(byte[] frame)
        {
            await _writing.WaitAsync();
            try
            {
                await _toServer.WriteAsync(frame);
            }
            finally
            {
                _writing.Release();
            }
        }

        private async Task UpstreamAsync()
        {
            try
            {
                using var fromClient = new NetworkStream(_client, ownsSocket: false);
                byte[] header = new byte[4];
                while (true)
                {
                    await fromClient.ReadExactlyAsync(header);
                    byte[] frame = new byte[4 + BinaryPrimitives.ReadUInt32BigEndian(header)];
                    header.CopyTo(frame, 0);
                    await fromClient.ReadExactlyAsync(frame.AsMemory(4));
                    await SendAsync(frame);
                    Volatile.Write(ref _last, frame);
                    Interlocked.Increment(ref _forwarded);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or EndOfStreamException)
            {
            }
            finally
            {
                Close();
            }
        }

        private async Task DownstreamAsync()
        {
            try
            {
                using var fromServer = new NetworkStream(_server, ownsSocket: false);
                using var toClient = new NetworkStream(_client, ownsSocket: false);
                await fromServer.CopyToAsync(toClient);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
            }
            finally
            {
                _serverClosed.TrySetResult();
                Close();
            }
        }

        internal void Close()
        {
            _client.Dispose();
            _server.Dispose();
        }
    }
}
