using System.Collections.Concurrent;
using System.IO.Pipelines;

namespace Partisan.Transport;

/// <summary>
/// A network inside one process: nodes listen on ports of this network and connect through
/// in-memory pipes. Lets a test run many nodes in one process over the real framing, handshake
/// and codec. Faults (partitions, kills, a node cut off from all: the network's old <c>Partition</c>, <c>Heal</c> and
/// <c>Crash</c>) are the node's: <see cref="PartisanNode.Faults"/>, the same on every transport.
/// </summary>
public sealed class InMemoryNetwork
{
    private readonly ConcurrentDictionary<int, Func<ITransportConnection, Task>> _listeners = new();
    private readonly ConcurrentDictionary<InMemoryConnection, byte> _connections = new();
    private int _nextPort = 20000;

    internal int Bind(int port, Func<ITransportConnection, Task> onAccepted)
    {
        if (port == 0)
        {
            while (true)
            {
                int candidate = Interlocked.Increment(ref _nextPort);
                if (_listeners.TryAdd(candidate, onAccepted))
                {
                    return candidate;
                }
            }
        }

        return _listeners.TryAdd(port, onAccepted) ? port : throw new PartisanException($"In-memory port {port} is already in use.");
    }

    internal void Unbind(int port) => _listeners.TryRemove(port, out _);

    internal ITransportConnection Connect(int fromPort, int toPort)
    {
        if (!_listeners.TryGetValue(toPort, out Func<ITransportConnection, Task>? onAccepted))
        {
            throw new PartisanException($"Connection refused: nothing listens on in-memory port {toPort}.");
        }

        var options = new PipeOptions(pauseWriterThreshold: 4 * 1024 * 1024, resumeWriterThreshold: 2 * 1024 * 1024, useSynchronizationContext: false);
        var toServer = new Pipe(options);
        var toClient = new Pipe(options);
        var client = new InMemoryConnection(this, toClient.Reader, toServer.Writer, $"mem:{toPort}", fromPort, toPort);
        var server = new InMemoryConnection(this, toServer.Reader, toClient.Writer, $"mem:{fromPort}", toPort, fromPort);
        client.Peer = server;
        server.Peer = client;
        _connections[client] = 0;
        _connections[server] = 0;
        _ = Task.Run(() => onAccepted(server));
        return client;
    }

    internal void Forget(InMemoryConnection connection) => _connections.TryRemove(connection, out _);

    internal sealed class InMemoryConnection : ITransportConnection
    {
        private readonly InMemoryNetwork _network;
        private int _closed;

        public InMemoryConnection(InMemoryNetwork network, PipeReader input, PipeWriter output, string remote, int localPort, int remotePort)
        {
            _network = network;
            Input = input;
            Output = output;
            RemoteEndPoint = remote;
            LocalPort = localPort;
            RemotePort = remotePort;
        }

        public InMemoryConnection? Peer { get; set; }

        public int LocalPort { get; }

        public int RemotePort { get; }

        public PipeReader Input { get; }

        public PipeWriter Output { get; }

        public string RemoteEndPoint { get; }

        public void Abort()
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0)
            {
                return;
            }

            var error = new IOException("The in-memory connection was reset.");
            Output.Complete(error);
            Input.Complete(error);
            _network.Forget(this);
            Peer?.Abort();
        }

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                Output.Complete();
                Input.Complete();
                _network.Forget(this);
                Peer?.Abort();
            }

            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>The transport of one node on an <see cref="InMemoryNetwork"/>. The host part of addresses is ignored.</summary>
public sealed class InMemoryTransport : ITransport
{
    private readonly InMemoryNetwork _network;
    private int _localPort;

    /// <summary>Creates a transport on <paramref name="network"/>.</summary>
    public InMemoryTransport(InMemoryNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        _network = network;
    }

    /// <summary>The port this node listens on (0 before <see cref="ListenAsync"/>).</summary>
    public int LocalPort => _localPort;

    /// <inheritdoc />
    public ValueTask<ITransportListener> ListenAsync(ListenAddress address, Func<ITransportConnection, Task> onAccepted, CancellationToken cancellationToken)
    {
        int port = _network.Bind(address.Port, onAccepted);
        _localPort = port;
        return new ValueTask<ITransportListener>(new Listener(_network, new ListenAddress(address.Host, port)));
    }

    /// <inheritdoc />
    public ValueTask<ITransportConnection> ConnectAsync(ListenAddress address, CancellationToken cancellationToken) =>
        new(_network.Connect(_localPort, address.Port));

    private sealed class Listener(InMemoryNetwork network, ListenAddress local) : ITransportListener
    {
        public ListenAddress LocalAddress => local;

        public ValueTask DisposeAsync()
        {
            network.Unbind(local.Port);
            return ValueTask.CompletedTask;
        }
    }
}
