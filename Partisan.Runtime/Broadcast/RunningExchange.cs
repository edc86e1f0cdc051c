namespace Partisan.Broadcast;

/// <summary>An exchange this node started: with whom, for which handler, since when, and how many steps it took.</summary>
internal sealed class RunningExchange(IBroadcastExchange handler, string name, NodeName peer, TimeSpan started)
{
    public IBroadcastExchange Handler { get; } = handler;

    public string Name { get; } = name;

    public NodeName Peer { get; } = peer;

    public TimeSpan Started { get; } = started;

    public int Steps { get; set; }
}
