namespace Partisan.Transport;

/// <summary>What a <see cref="PeerConnection"/> reports to, and asks of, its node.</summary>
internal interface IConnectionOwner
{
    /// <summary>A user message arrived for a process on this node (called on the connection's reader).</summary>
    void DeliverMessage(PeerConnection from, ProcessRef target, object? message);

    /// <summary>A runtime control message arrived.</summary>
    void HandleControl(PeerConnection from, object? message);

    /// <summary>A message could not be decoded; it was dropped and the connection goes on.</summary>
    void MessageDropped(PeerConnection from, Exception error);

    /// <summary>The connection ended.</summary>
    void ConnectionClosed(PeerConnection connection, string reason);
}
