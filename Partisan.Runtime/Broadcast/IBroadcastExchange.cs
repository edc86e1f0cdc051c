namespace Partisan.Broadcast;

/// <summary>
/// Anti-entropy for a handler (Partisan's <c>exchange/1</c>), implemented beside <see cref="IBroadcastHandler"/> by a handler
/// that can repair what broadcasts lost: every <see cref="BroadcastOptions.ExchangeInterval"/> the engine picks a neighbour,
/// preferring one outside this node's own tree, and runs a short conversation between the two handlers, one message at a
/// time, on the engines' loops (so it is as deterministic as the rest). Typically: a digest, the parts that differ, the
/// entries the other lacks. Exceptions are contained and logged, and end the exchange.
/// </summary>
public interface IBroadcastExchange
{
    /// <summary>Opens an exchange with <paramref name="peer"/>: the first message (a digest), or null when there is nothing to exchange (Partisan's <c>ignore</c>).</summary>
    object? BeginExchange(NodeName peer);

    /// <summary>A message of an exchange with <paramref name="peer"/> arrived: the answer, or null when this side is done (the exchange ends).</summary>
    object? ContinueExchange(NodeName peer, object message);
}
