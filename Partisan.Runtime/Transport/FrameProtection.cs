namespace Partisan.Transport;

/// <summary>
/// How frames after the handshake are protected on a connection (docs/wire.md, "Protected frames"). Both ends must
/// use the same mode: the handshake refuses a mismatch. The protected modes need protocol version 2; a version 1 peer
/// can only do <see cref="None"/>.
/// </summary>
public enum FrameProtection
{
    /// <summary>
    /// Frames are sent as they are. Only the handshake is authenticated: anyone who can alter the byte stream after it
    /// (a relay that passed a genuine handshake through) can inject, replay, drop or read frames. Use with TLS, or on a
    /// network where that is acceptable.
    /// </summary>
    None = 0,

    /// <summary>
    /// Each frame carries an AES-GCM tag (GMAC) under a per-connection, per-direction key derived from the cluster
    /// secret and both handshake nonces, over an implicit frame counter: an injected, altered, replayed, reordered or
    /// dropped frame fails authentication and closes that connection. Bodies stay readable on the wire.
    /// </summary>
    Authenticated = 1,

    /// <summary>As <see cref="Authenticated"/>, and the bodies are encrypted (AES-GCM), so the traffic cannot be read without the cluster secret.</summary>
    Encrypted = 2,
}
