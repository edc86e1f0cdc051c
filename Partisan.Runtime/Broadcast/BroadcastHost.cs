using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Partisan.Routing;

namespace Partisan.Broadcast;

/// <summary>
/// Runs a node's <see cref="BroadcastEngine"/>: on a loop of its own (one work item at a time, so the engine needs no lock
/// and a slow handler never holds up the node's connection and overlay loop), fed with the overlay's neighbours and members
/// as they change, the broadcast messages peers send (control messages on the broadcast channel), the application's
/// broadcasts and the engine's timers on the node's clock. It is the engine's <see cref="IBroadcastContext"/>: what the
/// engine sends goes out through the router on the broadcast channel, relayed when a neighbour has no direct connection.
/// </summary>
/// <remarks>
/// What arrives from peers is checked before the engine sees it: a message from a node that is not a member is dropped and
/// logged, and at most <see cref="BroadcastOptions.MaxQueuedMessages"/> wait for the loop (more are refused and logged), so
/// a flood costs bounded memory. The engine bounds the rest (announcements, missing messages, trees, exchanges).
/// </remarks>
internal sealed partial class BroadcastHost : IBroadcastContext
{
    private readonly Channel<BroadcastWork> _work = System.Threading.Channels.Channel.CreateUnbounded<BroadcastWork>(new UnboundedChannelOptions { SingleReader = true });
    private readonly BroadcastEngine _engine;
    private readonly BroadcastOptions _options;
    private readonly Func<NodeName, object, bool> _send;
    private readonly ConcurrentDictionary<string, IBroadcastHandler> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, IBroadcastHandler> _handlersByType = new();
    private readonly HashSet<NodeName> _members = new();
    private int _queuedMessages;
    private int _queueFullLogged;
    private long _queueOverflows;
    private Task? _run;

    /// <summary>
    /// A host for <paramref name="self"/> whose engine sends with <paramref name="send"/> (the router's bounded control
    /// path on the broadcast channel, on a node). Start it with <see cref="Start"/>.
    /// </summary>
    public BroadcastHost(NodeName self, BroadcastOptions options, TimeProvider time, Random random, ILogger logger, Func<NodeName, object, bool> send)
    {
        Self = self;
        _options = options;
        Time = time;
        Random = random;
        Logger = logger;
        _send = send;
        _engine = new BroadcastEngine(this, options);
    }

    /// <inheritdoc />
    public NodeName Self { get; }

    /// <inheritdoc />
    public TimeProvider Time { get; }

    /// <inheritdoc />
    public Random Random { get; }

    /// <inheritdoc />
    public ILogger Logger { get; }

    /// <summary>The channel the engine's messages travel on.</summary>
    public string Channel => _options.Channel;

    /// <summary>Handles the engine's messages as control messages: they are queued for the loop.</summary>
    public void RegisterControlMessages(ControlMessageRegistry controls)
    {
        controls.Register<GossipMessage>(MessageArrived);
        controls.Register<IHaveMessage>(MessageArrived);
        controls.Register<PruneMessage>(MessageArrived);
        controls.Register<GraftMessage>(MessageArrived);
        controls.Register<ExchangeMessage>(MessageArrived);
    }

    /// <summary>Starts the loop; the engine starts (its timers armed) as its first work.</summary>
    public void Start() => _run ??= Task.Run(RunAsync, CancellationToken.None);

    /// <summary>Stops taking work, lets what was queued run, and cancels the timers.</summary>
    public async Task StopAsync()
    {
        _work.Writer.TryComplete();
        if (_run is not null)
        {
            await _run.ConfigureAwait(false);
        }

        CancelAllTimers();
    }

    // ---------------------------------------------------------------- from any thread

    /// <summary>A broadcast message arrived from <paramref name="from"/> (a connection's reader): queued, or refused when the queue is full.</summary>
    public void MessageArrived(NodeName from, object message)
    {
        if (Interlocked.Increment(ref _queuedMessages) > _options.MaxQueuedMessages)
        {
            int queued = Interlocked.Decrement(ref _queuedMessages);
            Interlocked.Increment(ref _queueOverflows);
            if (Interlocked.Exchange(ref _queueFullLogged, 1) == 0)
            {
                BroadcastLog.QueueFull(Logger, queued);
            }

            return;
        }

        if (!_work.Writer.TryWrite(new BroadcastWork(BroadcastWorkKind.Message, from, message)))
        {
            Interlocked.Decrement(ref _queuedMessages); // stopped
            return;
        }

        if (Volatile.Read(ref _queueFullLogged) != 0)
        {
            Volatile.Write(ref _queueFullLogged, 0);
        }
    }

    /// <summary>The overlay's neighbours or members changed (the node's loop).</summary>
    public void TopologyChanged(NodeName[] neighbours, NodeName[] members) =>
        _work.Writer.TryWrite(new BroadcastWork(BroadcastWorkKind.Topology, default, new BroadcastTopology(neighbours, members)));

    /// <summary>Adds <paramref name="handler"/>, and maps <paramref name="messageType"/> to it when given.</summary>
    /// <exception cref="InvalidOperationException">A handler of that name, or for that type, is registered already.</exception>
    public void Register(IBroadcastHandler handler, Type? messageType)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentException.ThrowIfNullOrWhiteSpace(handler.Name, nameof(handler));
        if (messageType is not null && _handlersByType.TryGetValue(messageType, out IBroadcastHandler? taken))
        {
            throw new InvalidOperationException($"Broadcasts of {messageType.Name} are handled by {taken.Name} already.");
        }

        if (!_handlers.TryAdd(handler.Name, handler))
        {
            throw new InvalidOperationException($"A broadcast handler named {handler.Name} is registered already.");
        }

        if (messageType is not null && !_handlersByType.TryAdd(messageType, handler))
        {
            _handlers.TryRemove(handler.Name, out _);
            throw new InvalidOperationException($"Broadcasts of {messageType.Name} are handled by another handler already.");
        }

        _work.Writer.TryWrite(new BroadcastWork(BroadcastWorkKind.Register, default, null, handler));
    }

    /// <summary>Queues a broadcast of <paramref name="message"/> with <paramref name="handler"/>; false once stopped.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="handler"/> is not the handler registered under its name.</exception>
    public bool Broadcast(object message, IBroadcastHandler handler)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(handler);
        if (!_handlers.TryGetValue(handler.Name, out IBroadcastHandler? registered) || !ReferenceEquals(registered, handler))
        {
            throw new InvalidOperationException($"The broadcast handler {handler.Name} is not registered on this node (RegisterBroadcastHandler).");
        }

        return _work.Writer.TryWrite(new BroadcastWork(BroadcastWorkKind.Broadcast, default, message, handler));
    }

    /// <summary>Queues a broadcast of <paramref name="message"/> with the handler registered for its type.</summary>
    /// <exception cref="InvalidOperationException">No handler is registered for <typeparamref name="TMessage"/>.</exception>
    public bool Broadcast<TMessage>(TMessage message)
        where TMessage : notnull
    {
        if (!_handlersByType.TryGetValue(typeof(TMessage), out IBroadcastHandler? handler))
        {
            throw new InvalidOperationException($"No broadcast handler is registered for {typeof(TMessage).Name} (RegisterBroadcastHandler<{typeof(TMessage).Name}>).");
        }

        return _work.Writer.TryWrite(new BroadcastWork(BroadcastWorkKind.Broadcast, default, message, handler));
    }

    /// <summary>Runs <paramref name="function"/> with the engine on the loop, and completes with its result.</summary>
    public Task<T> InvokeAsync<T>(Func<BroadcastEngine, T> function)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Action<BroadcastEngine> run = engine =>
        {
            try
            {
                done.TrySetResult(function(engine));
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        };
        if (!_work.Writer.TryWrite(new BroadcastWork(BroadcastWorkKind.Invoke, default, run)))
        {
            done.TrySetException(new ObjectDisposedException(nameof(PartisanNode), "The node has stopped."));
        }

        return done.Task;
    }

    /// <summary>What the engine and the host counted, copied on the loop.</summary>
    public Task<BroadcastCounters> CountersAsync() => InvokeAsync(engine =>
    {
        BroadcastCounters copy = engine.Counters.Copy();
        copy.QueueOverflows = Interlocked.Read(ref _queueOverflows);
        return copy;
    });

    // ---------------------------------------------------------------- IBroadcastContext (the loop)

    /// <inheritdoc />
    public bool Send(NodeName to, object message)
    {
        try
        {
            return _send(to, message);
        }
        catch (Exception ex)
        {
            // A payload the node cannot encode (a type not registered): that message is lost, the engine goes on.
            BroadcastLog.SendFailed(Logger, message.GetType().Name, to, ex);
            return false;
        }
    }

    // ---------------------------------------------------------------- the loop

    private async Task RunAsync()
    {
        _engine.Start();
        ChannelReader<BroadcastWork> reader = _work.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out BroadcastWork work))
            {
                try
                {
                    Handle(work);
                }
                catch (Exception ex)
                {
                    BroadcastLog.WorkFailed(Logger, work.Kind.ToString(), ex);
                }
            }
        }
    }

    private void Handle(in BroadcastWork work)
    {
        switch (work.Kind)
        {
            case BroadcastWorkKind.Message:
                Interlocked.Decrement(ref _queuedMessages);
                if (!_members.Contains(work.From))
                {
                    _engine.Counters.FromNonMembers++;
                    BroadcastLog.NotAMember(Logger, work.From, work.Item!.GetType().Name);
                    return;
                }

                _engine.TryHandleMessage(work.From, work.Item!);
                return;
            case BroadcastWorkKind.Timer:
                ((ArmedTimer)work.Item!).Fire();
                return;
            case BroadcastWorkKind.Topology:
                var topology = (BroadcastTopology)work.Item!;
                _members.Clear();
                _members.UnionWith(topology.Members);
                _engine.SetNeighbours(topology.Neighbours);
                return;
            case BroadcastWorkKind.Broadcast:
                _engine.Broadcast(work.Item!, work.Handler!);
                return;
            case BroadcastWorkKind.Register:
                _engine.Register(work.Handler!);
                return;
            case BroadcastWorkKind.Invoke:
                ((Action<BroadcastEngine>)work.Item!)(_engine);
                return;
        }
    }
}
