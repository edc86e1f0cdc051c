using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Partisan.Bench;

/// <summary>
/// A TCP proxy that delays every byte by a fixed time in each direction and bounds the bytes in flight
/// per connection and direction, like a long link: a byte counts against the window from the moment the
/// proxy reads it until its "acknowledgement" would be back (written out after the delay, plus the delay
/// again), so one connection carries at most window / RTT. Loopback only.
/// </summary>
internal sealed class DelayProxy : IAsyncDisposable
{
    /// <summary>The largest piece read at once; smaller reads are forwarded as they come.</summary>
    public const int ChunkSize = 64 * 1024;

    private readonly Socket _listener;
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly long _delayTicks;
    private readonly int _window;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<ProxyLink> _links = new();
    private readonly Lock _gate = new();
    private readonly Task _acceptLoop;
    private int _nextLinkId;
    private int _disposed;

    private DelayProxy(Socket listener, string targetHost, int targetPort, TimeSpan delay, int window)
    {
        _listener = listener;
        _targetHost = targetHost;
        _targetPort = targetPort;
        _delayTicks = (long)(delay.TotalSeconds * Stopwatch.Frequency);
        _window = window;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The port the proxy listens on (127.0.0.1).</summary>
    public int Port { get; }

    public TimeSpan Delay => TimeSpan.FromSeconds(_delayTicks / (double)Stopwatch.Frequency);

    public int Window => _window;

    /// <summary>Starts a proxy on 127.0.0.1:<paramref name="listenPort"/> (0: any free port) in front of <paramref name="targetHost"/>:<paramref name="targetPort"/>.</summary>
    public static DelayProxy Start(int listenPort, string targetHost, int targetPort, TimeSpan delay, int window)
    {
        if (!IsLoopback(targetHost))
        {
            throw new ArgumentException($"The delay proxy only forwards to loopback, not '{targetHost}'.", nameof(targetHost));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, listenPort));
            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        return new DelayProxy(listener, targetHost, targetPort, delay, window);
    }

    public static bool IsLoopback(string host) =>
        host is "localhost" || (IPAddress.TryParse(host, out IPAddress? ip) && IPAddress.IsLoopback(ip));

    /// <summary>The connections accepted so far (open or closed).</summary>
    public IReadOnlyList<ProxyLink> Links()
    {
        lock (_gate)
        {
            return _links.ToArray();
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            _ = ConnectAsync(client);
        }
    }

    private async Task ConnectAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            client.NoDelay = true;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await server.ConnectAsync(_targetHost, _targetPort, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            client.Dispose();
            server.Dispose();
            return;
        }

        var link = new ProxyLink(Interlocked.Increment(ref _nextLinkId), client, server, _delayTicks, _window, _stop.Token);
        lock (_gate)
        {
            _links.Add(link);
        }

        link.Start();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        foreach (ProxyLink link in Links())
        {
            link.Close();
            await link.Completion.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
    }
}

/// <summary>One proxied connection: a pump in each direction.</summary>
internal sealed class ProxyLink
{
    private readonly Socket _client;
    private readonly Socket _server;
    private readonly DelayPump _up;
    private readonly DelayPump _down;
    private Task _completion = Task.CompletedTask;

    public ProxyLink(int id, Socket client, Socket server, long delayTicks, int window, CancellationToken stop)
    {
        Id = id;
        _client = client;
        _server = server;
        _up = new DelayPump(client, server, delayTicks, window, stop);
        _down = new DelayPump(server, client, delayTicks, window, stop);
    }

    public int Id { get; }

    /// <summary>Bytes read from the connecting side so far.</summary>
    public long UpBytes => _up.Bytes;

    /// <summary>Bytes read from the target side so far.</summary>
    public long DownBytes => _down.Bytes;

    public Task Completion => _completion;

    public void Start() => _completion = RunAsync();

    private async Task RunAsync()
    {
        Task up = _up.RunAsync();
        Task down = _down.RunAsync();
        Task first = await Task.WhenAny(up, down).ConfigureAwait(false);
        if (first.IsFaulted)
        {
            Close(); // a reset on one side ends both
        }

        await Task.WhenAll(up, down).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Close();
    }

    public void Close()
    {
        _client.Dispose();
        _server.Dispose();
    }
}

/// <summary>
/// One direction of a link: a reader takes bytes as the window allows and stamps them, a writer forwards
/// each piece once its delay has passed, and a releaser gives the window back one delay after the write.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The semaphore is used without its wait handle, so it holds nothing to dispose.")]
internal sealed class DelayPump
{
    private readonly Socket _from;
    private readonly Socket _to;
    private readonly long _delayTicks;
    private readonly CancellationToken _stop;
    private readonly Channel<Piece> _pieces = Channel.CreateUnbounded<Piece>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Channel<Piece> _releases = Channel.CreateUnbounded<Piece>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly SemaphoreSlim _creditReturned = new(0);
    private long _credit;
    private long _bytes;

    public DelayPump(Socket from, Socket to, long delayTicks, int window, CancellationToken stop)
    {
        _from = from;
        _to = to;
        _delayTicks = delayTicks;
        _credit = window;
        _stop = stop;
    }

    public long Bytes => Interlocked.Read(ref _bytes);

    private readonly record struct Piece(byte[]? Buffer, int Length, long Due);

    public async Task RunAsync()
    {
        Task reader = ReadLoopAsync();
        Task writer = WriteLoopAsync();
        Task releaser = ReleaseLoopAsync();
        try
        {
            await Task.WhenAll(reader, writer).ConfigureAwait(false);
        }
        finally
        {
            _releases.Writer.TryComplete();
            _pieces.Writer.TryComplete();
            await releaser.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            while (_pieces.Reader.TryRead(out Piece left))
            {
                if (left.Buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(left.Buffer);
                }
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                long credit = Volatile.Read(ref _credit);
                if (credit <= 0)
                {
                    await _creditReturned.WaitAsync(_stop).ConfigureAwait(false);
                    continue;
                }

                byte[] buffer = ArrayPool<byte>.Shared.Rent(DelayProxy.ChunkSize);
                int n;
                try
                {
                    n = await _from.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(DelayProxy.ChunkSize, credit)), SocketFlags.None, _stop).ConfigureAwait(false);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }

                if (n == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }

                Interlocked.Add(ref _credit, -n);
                Interlocked.Add(ref _bytes, n);
                _pieces.Writer.TryWrite(new Piece(buffer, n, Stopwatch.GetTimestamp() + _delayTicks));
            }

            _pieces.Writer.TryWrite(new Piece(null, 0, Stopwatch.GetTimestamp() + _delayTicks)); // end of stream, delayed too
        }
        finally
        {
            _pieces.Writer.TryComplete();
        }
    }

    private async Task WriteLoopAsync()
    {
        await foreach (Piece piece in _pieces.Reader.ReadAllAsync(_stop).ConfigureAwait(false))
        {
            await WaitUntilAsync(piece.Due).ConfigureAwait(false);
            if (piece.Buffer is null)
            {
                try
                {
                    _to.Shutdown(SocketShutdown.Send);
                }
                catch (SocketException)
                {
                }

                return;
            }

            try
            {
                int sent = 0;
                while (sent < piece.Length)
                {
                    sent += await _to.SendAsync(piece.Buffer.AsMemory(sent, piece.Length - sent), SocketFlags.None, _stop).ConfigureAwait(false);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(piece.Buffer);
            }

            _releases.Writer.TryWrite(new Piece(null, piece.Length, Stopwatch.GetTimestamp() + _delayTicks));
        }
    }

    private async Task ReleaseLoopAsync()
    {
        await foreach (Piece release in _releases.Reader.ReadAllAsync(_stop).ConfigureAwait(false))
        {
            await WaitUntilAsync(release.Due).ConfigureAwait(false);
            Interlocked.Add(ref _credit, release.Length);
            _creditReturned.Release();
        }
    }

    private Task WaitUntilAsync(long due)
    {
        long remaining = due - Stopwatch.GetTimestamp();
        return remaining <= 0 ? Task.CompletedTask : Task.Delay(TimeSpan.FromSeconds(remaining / (double)Stopwatch.Frequency), _stop);
    }
}
