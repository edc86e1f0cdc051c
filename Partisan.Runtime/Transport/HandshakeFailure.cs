namespace Partisan;

/// <summary>Why a handshake failed.</summary>
public enum HandshakeFailure : byte
{
    /// <summary>Unspecified.</summary>
    Unknown = 0,

    /// <summary>The peers do not share the cluster secret.</summary>
    AuthenticationFailed = 1,

    /// <summary>The peers speak different protocol versions.</summary>
    VersionMismatch = 2,

    /// <summary>The connection's channel is not configured on the acceptor, or the index is out of range.</summary>
    UnknownChannel = 3,

    /// <summary>The peer is not a Partisan node (bad magic) or sent a malformed handshake.</summary>
    NotAPartisanPeer = 4,

    /// <summary>A connection for this (node pair, channel, index) already exists and wins the tie-break.</summary>
    Duplicate = 5,

    /// <summary>The peer's name is invalid, is this node's own, or is not the node that was expected.</summary>
    BadPeerName = 6,

    /// <summary>The handshake took too long.</summary>
    Timeout = 7,

    /// <summary>The acceptor is shutting down or has left the cluster.</summary>
    ShuttingDown = 8,

    /// <summary>The acceptor's overlay does not admit a connection from this node (e.g. a client dialing another client).</summary>
    RefusedByOverlay = 9,

    /// <summary>The peers use different <see cref="Transport.FrameProtection"/> modes (or one needs protection and the other speaks only protocol version 1).</summary>
    ProtectionMismatch = 10,
}
