using Partisan.Transport;

namespace Partisan.Bench;

/// <summary>
/// A bench-only transport for the client node: every outgoing connection (the join and each channel's
/// connections) dials a <see cref="DelayProxy"/> in front of the real address instead of the address itself,
/// so all traffic to the peer crosses the delayed link whatever the peer advertises. One proxy per target.
/// </summary>
internal sealed class ProxyTransport(TimeSpan delay, int window) : ITransport, IAsyncDisposable
{
    private readonly TcpTransport _inner = new();
    private readonly Dictionary<ListenAddress, DelayProxy> _proxies = new();
    private readonly Lock _gate = new();

    public TimeSpan Delay => delay;

    public int Window => window;

    public ValueTask<ITransportListener> ListenAsync(ListenAddress address, Func<ITransportConnection, Task> onAccepted, CancellationToken cancellationToken) =>
        _inner.ListenAsync(address, onAccepted, cancellationToken);

    public ValueTask<ITransportConnection> ConnectAsync(ListenAddress address, CancellationToken cancellationToken)
    {
        DelayProxy proxy;
        lock (_gate)
        {
            if (!_proxies.TryGetValue(address, out proxy!))
            {
                proxy = DelayProxy.Start(0, address.Host, address.Port, delay, window);
                _proxies[address] = proxy;
            }
        }

        return _inner.ConnectAsync(new ListenAddress("127.0.0.1", proxy.Port), cancellationToken);
    }

    /// <summary>All proxied connections so far.</summary>
    public IReadOnlyList<ProxyLink> Links()
    {
        lock (_gate)
        {
            return _proxies.Values.SelectMany(p => p.Links()).ToArray();
        }
    }

    public async ValueTask DisposeAsync()
    {
        DelayProxy[] proxies;
        lock (_gate)
        {
            proxies = _proxies.Values.ToArray();
            _proxies.Clear();
        }

        foreach (DelayProxy proxy in proxies)
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
        }
    }
}
