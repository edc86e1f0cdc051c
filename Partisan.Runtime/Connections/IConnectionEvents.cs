namespace Partisan.Connections;

/// <summary>What the <see cref="ConnectionManager"/> tells the layer above it, always on the node's loop.</summary>
internal interface IConnectionEvents
{
    /// <summary>The first connection to <paramref name="peer"/> (of its current incarnation) is up.</summary>
    void PeerConnected(NodeSpec peer);

    /// <summary>The last connection to <paramref name="peer"/> is gone (or the peer restarted: <paramref name="reason"/> is <c>restarted</c>).</summary>
    void PeerDisconnected(NodeName peer, string reason);

    /// <summary>Decides whether <paramref name="initiator"/> may connect on <paramref name="channel"/>; null to accept, else the refusal.</summary>
    string? Admit(NodeSpec initiator, string channel);
}
