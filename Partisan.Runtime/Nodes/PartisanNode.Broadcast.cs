using Partisan.Broadcast;

namespace Partisan;

/// <content>
/// Broadcast (Plumtree, <see cref="PartisanOptions.Broadcast"/>): a <see cref="BroadcastEngine"/> on a loop of its own, over
/// the overlay's neighbours, its messages on the broadcast channel. Handlers say what a broadcast is (Partisan's handler
/// behaviour, <see cref="IBroadcastHandler"/>); docs/broadcast.md.
/// </content>
public sealed partial class PartisanNode
{
    private BroadcastHost? _broadcast;

    private void ComposeBroadcast(PartisanOptions options)
    {
        if (!options.Broadcast.Enabled)
        {
            return;
        }

        string channel = options.Broadcast.Channel;
        Random random = options.OverlaySeed is int seed ? new Random(unchecked((seed * 31) + 17)) : new Random();
        _broadcast = new BroadcastHost(Name, options.Broadcast, TimeProvider, random, _logger, (to, message) => _router.SendControlBounded(to, message, channel));
        _broadcast.RegisterControlMessages(Controls);
        _overlay.OnTopologyChanged(_broadcast.TopologyChanged);
    }

    private BroadcastHost BroadcastHost => _broadcast
        ?? throw new InvalidOperationException("Broadcast is off on this node: set PartisanOptions.Broadcast.Enabled (configuration: Partisan:Broadcast:Enabled) on every node.");

    /// <summary>True when this node runs a broadcast engine (<see cref="BroadcastOptions.Enabled"/>).</summary>
    public bool BroadcastEnabled => _broadcast is not null;

    /// <summary>
    /// Adds a kind of broadcast: messages broadcast with <paramref name="handler"/> reach every member, and every node that
    /// registered a handler of the same <see cref="IBroadcastHandler.Name"/> merges them. Register on every node, before or
    /// after the node starts; messages for a handler a node lacks are dropped there (and repaired by anti-entropy once it
    /// has it, if the handler exchanges). The handler is called on the broadcast loop, one call at a time.
    /// </summary>
    /// <exception cref="InvalidOperationException">Broadcast is off, or a handler of that name is registered already.</exception>
    public void RegisterBroadcastHandler(IBroadcastHandler handler) => BroadcastHost.Register(handler, messageType: null);

    /// <summary>
    /// Like <see cref="RegisterBroadcastHandler(IBroadcastHandler)"/>, and makes <paramref name="handler"/> the one
    /// <see cref="Broadcast{TMessage}(TMessage)"/> uses for messages of type <typeparamref name="TMessage"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Broadcast is off, or a handler of that name or for that type is registered already.</exception>
    public void RegisterBroadcastHandler<TMessage>(IBroadcastHandler handler)
        where TMessage : notnull => BroadcastHost.Register(handler, typeof(TMessage));

    /// <summary>
    /// Broadcasts <paramref name="message"/> to every member with <paramref name="handler"/> (Partisan's
    /// <c>partisan:broadcast/2</c>): the handler makes its id and payload, which are pushed along Plumtree's trees. Apply the
    /// change locally first: the engine does not merge what this node broadcasts. Returns at once (the engine runs on its
    /// own loop); false once the node has stopped. Delivery is best effort, repaired by anti-entropy when the handler
    /// implements <see cref="IBroadcastExchange"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Broadcast is off, or <paramref name="handler"/> is not registered on this node.</exception>
    public bool Broadcast(object message, IBroadcastHandler handler) => BroadcastHost.Broadcast(message, handler);

    /// <summary>Broadcasts <paramref name="message"/> with the handler registered for <typeparamref name="TMessage"/> (<see cref="RegisterBroadcastHandler{TMessage}"/>).</summary>
    /// <exception cref="InvalidOperationException">Broadcast is off, or no handler is registered for <typeparamref name="TMessage"/>.</exception>
    public bool Broadcast<TMessage>(TMessage message)
        where TMessage : notnull => BroadcastHost.Broadcast(message);

    /// <summary>What this node's broadcast engine counted since it started (a copy taken on its loop).</summary>
    /// <exception cref="InvalidOperationException">Broadcast is off.</exception>
    public Task<BroadcastCounters> BroadcastCountersAsync() => BroadcastHost.CountersAsync();

    /// <summary>Sends one of the engine's messages to <paramref name="to"/> as the engine would (tests of the path: relay, bad input).</summary>
    internal bool SendBroadcastMessage(NodeName to, object message) => BroadcastHost.Send(to, message);

    /// <summary>Runs <paramref name="function"/> with the engine on its loop (tests, inspection).</summary>
    internal Task<T> InvokeBroadcastAsync<T>(Func<BroadcastEngine, T> function) => BroadcastHost.InvokeAsync(function);
}
