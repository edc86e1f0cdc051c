namespace Partisan.Connections;

/// <summary>What a <see cref="PeerConnection"/> reports to the <see cref="ConnectionManager"/>.</summary>
internal interface IConnectionOwner
{
    /// <summary>The connection ended (both loops are done and the transport is disposed).</summary>
    void ConnectionClosed(PeerConnection connection, string reason);
}
