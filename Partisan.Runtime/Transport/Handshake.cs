using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Partisan.Serialization;

namespace Partisan.Transport;

/// <summary>What both sides of a handshake need.</summary>
internal sealed record HandshakeSettings(NodeSpec Local, byte[] SecretKey, TimeSpan Timeout, WireContext Context, TimeProvider Time, ProtocolVersions Versions, FrameProtection Protection = FrameProtection.None);

/// <summary>
/// What the acceptor learns from an authenticated initiator, the protocol version the connection speaks, and the
/// session keys of its frames (null with <see cref="FrameProtection.None"/>).
/// </summary>
internal readonly record struct InboundRequest(NodeSpec Initiator, string Channel, int Index, int Version, FrameKeys? Keys = null);

/// <summary>What the initiator learns: the acceptor's spec, the protocol version the connection speaks, and the session keys of its frames (null with <see cref="FrameProtection.None"/>).</summary>
internal readonly record struct HandshakeResult(NodeSpec Peer, int Version, FrameKeys? Keys = null);

/// <summary>
/// The connection handshake, run on every new connection before any message:
/// <list type="number">
/// <item>initiator → <c>Hello</c>: magic, its oldest version, its name, channel, connection index, a random nonce, the name it expects to reach, and its newest version when that differs from the oldest;</item>
/// <item>acceptor → <c>Challenge</c>: the chosen version (the highest both speak), its name, its nonce, and its proof <c>HMAC(secret, "server" ‖ transcript)</c> (or <c>Reject</c>, version mismatch, when the ranges do not overlap);</item>
/// <item>initiator checks the proof → <c>Auth</c>: its proof <c>HMAC(secret, "client" ‖ transcript)</c> and its node spec (or <c>Reject</c>);</item>
/// <item>acceptor checks the proof and the duplicate rule → <c>Welcome</c> with its node spec (or <c>Reject</c>).</item>
/// </list>
/// The transcript binds both nonces, both names, the channel and the index, so proofs cannot be replayed.
/// The secret never crosses the wire, and no node spec is parsed before the peer has proven the secret.
/// From protocol version 2 the Hello and the Challenge carry each side's <see cref="FrameProtection"/> (when not
/// <c>None</c>); both must be the same, the transcript ends with it, and both sides derive the connection's two frame
/// keys from the secret key, both nonces and the transcript (HKDF-SHA256).
/// </summary>
internal static class Handshake
{
    public const uint Magic = 0x4E535450; // "PTSN" little-endian

    /// <summary>The newest protocol version this build speaks (see <see cref="ProtocolVersions"/>).</summary>
    public const int ProtocolVersion = ProtocolVersions.Newest;
    public const int MaxHandshakeFrame = 64 * 1024;
    private const int NonceSize = 32;
    private const int FrameKeySize = 32; // AES-256

    public static byte[] DeriveKey(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Runs the initiator's side; returns the acceptor's spec and the negotiated version.</summary>
    public static async Task<HandshakeResult> InitiateAsync(ITransportConnection connection, HandshakeSettings settings, string channel, int index, NodeName? expectedPeer, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(settings.Timeout, settings.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        CancellationToken ct = linked.Token;
        try
        {
            byte[] clientNonce = RandomNumberGenerator.GetBytes(NonceSize);
            ProtocolVersions versions = settings.Versions;
            FrameProtection protection = settings.Protection;
            using var body = new WireBuffer(256);
            Write(body, settings.Context, (ref WireWriter w) =>
            {
                w.WriteByte((byte)FrameType.Hello);
                w.WriteInt32(unchecked((int)Magic));
                w.WriteVarUInt32((uint)versions.Min);
                w.WriteString(settings.Local.Name.Value);
                w.WriteString(channel);
                w.WriteVarUInt32((uint)index);
                w.WriteRaw(clientNonce);
                w.WriteString(expectedPeer?.Value);
                if (versions.Max != versions.Min || protection != FrameProtection.None)
                {
                    w.WriteVarUInt32((uint)versions.Max); // a version 1 acceptor ignores it
                }

                if (protection != FrameProtection.None)
                {
                    w.WriteByte((byte)protection); // version 2: the frame protection, only after the newest version
                }
            });
            await FrameCodec.WriteFrameAsync(connection.Output, body, ct).ConfigureAwait(false);

            byte[] reply = await FrameCodec.ReadFrameAsync(connection.Input, MaxHandshakeFrame, ct).ConfigureAwait(false);
            NodeName acceptorName;
            int version;
            byte[] serverNonce = new byte[NonceSize];
            byte[] serverProof = new byte[NonceSize];
            {
                var r = new WireReader(reply, settings.Context);
                ReadType(ref r, FrameType.Challenge);
                version = (int)Math.Min(r.ReadVarUInt32(), int.MaxValue);
                if (!versions.Contains(version))
                {
                    string why = $"the peer chose protocol version {version}; this node speaks {versions}";
                    await TrySendRejectAsync(connection, settings, HandshakeFailure.VersionMismatch, why).ConfigureAwait(false);
                    throw new HandshakeException(HandshakeFailure.VersionMismatch, $"Refused {connection.RemoteEndPoint}: {why}.");
                }

                acceptorName = ReadName(ref r);
                r.ReadRaw(serverNonce);
                r.ReadRaw(serverProof);
                FrameProtection theirs = version >= ProtocolVersions.FrameProtection && !r.End ? ReadProtection(ref r) : FrameProtection.None;
                if (theirs != protection)
                {
                    string why = ProtectionMismatch(acceptorName, theirs, settings.Local.Name, protection, version);
                    await TrySendRejectAsync(connection, settings, HandshakeFailure.ProtectionMismatch, why).ConfigureAwait(false);
                    throw new HandshakeException(HandshakeFailure.ProtectionMismatch, $"Refused {connection.RemoteEndPoint}: {why}.");
                }
            }

            byte[] transcript = Transcript(clientNonce, serverNonce, settings.Local.Name, acceptorName, channel, index, protection);
            if (!CryptographicOperations.FixedTimeEquals(serverProof, Proof(settings.SecretKey, "server", transcript)))
            {
                await TrySendRejectAsync(connection, settings, HandshakeFailure.AuthenticationFailed, "authentication failed: the peer's proof does not match this node's cluster secret").ConfigureAwait(false);
                throw new HandshakeException(HandshakeFailure.AuthenticationFailed, $"Authentication failed with {acceptorName} at {connection.RemoteEndPoint}: wrong cluster secret (its proof does not match ours).");
            }

            if (expectedPeer is { } expected && expected != acceptorName)
            {
                await TrySendRejectAsync(connection, settings, HandshakeFailure.BadPeerName, $"expected to reach {expected}").ConfigureAwait(false);
                throw new HandshakeException(HandshakeFailure.BadPeerName, $"Dialed {expected} at {connection.RemoteEndPoint} but reached {acceptorName}.");
            }

            body.Reset();
            byte[] clientProof = Proof(settings.SecretKey, "client", transcript);
            NodeSpec local = settings.Local;
            Write(body, settings.Context, (ref WireWriter w) =>
            {
                w.WriteByte((byte)FrameType.Auth);
                w.WriteRaw(clientProof);
                w.Write(local);
            });
            await FrameCodec.WriteFrameAsync(connection.Output, body, ct).ConfigureAwait(false);

            byte[] welcome = await FrameCodec.ReadFrameAsync(connection.Input, MaxHandshakeFrame, ct).ConfigureAwait(false);
            var reader = new WireReader(welcome, settings.Context);
            ReadType(ref reader, FrameType.Welcome);
            NodeSpec peer = reader.Read<NodeSpec>();
            if (peer.Name != acceptorName)
            {
                throw new HandshakeException(HandshakeFailure.BadPeerName, $"The peer introduced itself as {acceptorName} but its spec names {peer.Name}.");
            }

            return new HandshakeResult(peer, version, DeriveFrameKeys(settings.SecretKey, clientNonce, serverNonce, transcript, protection));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new HandshakeException(HandshakeFailure.Timeout, $"The handshake with {connection.RemoteEndPoint} did not finish within {settings.Timeout.TotalSeconds:0.#} s.");
        }
        catch (WireFormatException ex)
        {
            throw new HandshakeException(HandshakeFailure.NotAPartisanPeer, $"Malformed handshake from {connection.RemoteEndPoint}: {ex.Message}");
        }
        catch (ProtocolException ex)
        {
            throw new HandshakeException(HandshakeFailure.NotAPartisanPeer, $"Malformed handshake from {connection.RemoteEndPoint}: {ex.Message}");
        }
        catch (IOException ex)
        {
            throw new HandshakeException(HandshakeFailure.Unknown, $"The connection with {connection.RemoteEndPoint} closed during the handshake ({ex.Message}); the peer may use TLS when this node does not, or the other way round.");
        }
    }

    /// <summary>
    /// Runs the acceptor's side. <paramref name="validate"/> checks the channel and index (before
    /// authentication); <paramref name="decide"/> applies the duplicate-connection rule (after it).
    /// Returns the initiator's request once welcomed.
    /// </summary>
    public static async Task<InboundRequest> AcceptAsync(
        ITransportConnection connection,
        HandshakeSettings settings,
        Func<NodeName, string, int, (HandshakeFailure, string)?> validate,
        Func<InboundRequest, ValueTask<(HandshakeFailure, string)?>> decide,
        CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(settings.Timeout, settings.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        CancellationToken ct = linked.Token;
        try
        {
            byte[] hello = await FrameCodec.ReadFrameAsync(connection.Input, MaxHandshakeFrame, ct).ConfigureAwait(false);
            NodeName initiatorName;
            string channel;
            int index;
            int version;
            FrameProtection theirs;
            FrameProtection protection = settings.Protection;
            byte[] clientNonce = new byte[NonceSize];
            {
                var r = new WireReader(hello, settings.Context);
                if (r.ReadByte() != (byte)FrameType.Hello || unchecked((uint)r.ReadInt32()) != Magic)
                {
                    throw new HandshakeException(HandshakeFailure.NotAPartisanPeer, $"{connection.RemoteEndPoint} is not a Partisan peer (bad greeting).");
                }

                // The oldest version the initiator speaks comes first (a version 1 node sends only that); refuse at once
                // when it is newer than ours, whatever else the hello holds.
                int oldest = (int)Math.Min(r.ReadVarUInt32(), int.MaxValue);
                if (oldest > settings.Versions.Max)
                {
                    string why = VersionMismatch(settings, new ProtocolVersions(oldest, oldest));
                    await TrySendRejectAsync(connection, settings, HandshakeFailure.VersionMismatch, why).ConfigureAwait(false);
                    throw new HandshakeException(HandshakeFailure.VersionMismatch, $"Refused {connection.RemoteEndPoint}: {why}.");
                }

                initiatorName = ReadName(ref r);
                channel = r.ReadString() ?? string.Empty;
                index = (int)r.ReadVarUInt32();
                r.ReadRaw(clientNonce);
                string? expected = r.ReadString();
                int newest = r.End ? oldest : (int)Math.Min(r.ReadVarUInt32(), int.MaxValue);
                theirs = r.End ? FrameProtection.None : ReadProtection(ref r);
                if (newest < oldest)
                {
                    throw new HandshakeException(HandshakeFailure.NotAPartisanPeer, $"Malformed hello from {connection.RemoteEndPoint}: newest version {newest} is older than the oldest, {oldest}.");
                }

                var offered = new ProtocolVersions(oldest, newest);
                if (settings.Versions.Negotiate(offered) is not { } chosen)
                {
                    string why = VersionMismatch(settings, offered);
                    await TrySendRejectAsync(connection, settings, HandshakeFailure.VersionMismatch, why).ConfigureAwait(false);
                    throw new HandshakeException(HandshakeFailure.VersionMismatch, $"Refused {initiatorName} at {connection.RemoteEndPoint}: {why}.");
                }

                version = chosen;
                if (theirs != protection || (protection != FrameProtection.None && version < ProtocolVersions.FrameProtection))
                {
                    string why = ProtectionMismatch(initiatorName, theirs, settings.Local.Name, protection, version);
                    await TrySendRejectAsync(connection, settings, HandshakeFailure.ProtectionMismatch, why).ConfigureAwait(false);
                    throw new HandshakeException(HandshakeFailure.ProtectionMismatch, $"Refused {initiatorName} at {connection.RemoteEndPoint}: {why}.");
                }

                if (expected is not null && expected != settings.Local.Name.Value)
                {
                    string why = $"this is {settings.Local.Name}, not {expected}";
                    await TrySendRejectAsync(connection, settings, HandshakeFailure.BadPeerName, why).ConfigureAwait(false);
                    throw new HandshakeException(HandshakeFailure.BadPeerName, $"Refused {initiatorName}: {why}.");
                }
            }

            if (validate(initiatorName, channel, index) is { } problem)
            {
                await TrySendRejectAsync(connection, settings, problem.Item1, problem.Item2).ConfigureAwait(false);
                throw new HandshakeException(problem.Item1, $"Refused {initiatorName} at {connection.RemoteEndPoint}: {problem.Item2}.");
            }

            byte[] serverNonce = RandomNumberGenerator.GetBytes(NonceSize);
            byte[] transcript = Transcript(clientNonce, serverNonce, initiatorName, settings.Local.Name, channel, index, protection);
            byte[] serverProof = Proof(settings.SecretKey, "server", transcript);
            using var body = new WireBuffer(256);
            NodeName localName = settings.Local.Name;
            Write(body, settings.Context, (ref WireWriter w) =>
            {
                w.WriteByte((byte)FrameType.Challenge);
                w.WriteVarUInt32((uint)version);
                w.WriteString(localName.Value);
                w.WriteRaw(serverNonce);
                w.WriteRaw(serverProof);
                if (protection != FrameProtection.None)
                {
                    w.WriteByte((byte)protection); // version 2 (checked above): the frame protection
                }
            });
            await FrameCodec.WriteFrameAsync(connection.Output, body, ct).ConfigureAwait(false);

            byte[] auth = await FrameCodec.ReadFrameAsync(connection.Input, MaxHandshakeFrame, ct).ConfigureAwait(false);
            NodeSpec initiator;
            {
                var r = new WireReader(auth, settings.Context);
                ReadType(ref r, FrameType.Auth);
                byte[] clientProof = new byte[NonceSize];
                r.ReadRaw(clientProof);
                if (!CryptographicOperations.FixedTimeEquals(clientProof, Proof(settings.SecretKey, "client", transcript)))
                {
                    await TrySendRejectAsync(connection, settings, HandshakeFailure.AuthenticationFailed, "authentication failed: wrong cluster secret").ConfigureAwait(false);
                    throw new HandshakeException(HandshakeFailure.AuthenticationFailed, $"Authentication failed for {initiatorName} at {connection.RemoteEndPoint}: wrong cluster secret.");
                }

                initiator = r.Read<NodeSpec>();
                if (initiator.Name != initiatorName)
                {
                    throw new HandshakeException(HandshakeFailure.BadPeerName, $"{initiatorName} sent a spec for {initiator.Name}.");
                }
            }

            var request = new InboundRequest(initiator, channel, index, version, DeriveFrameKeys(settings.SecretKey, clientNonce, serverNonce, transcript, protection));
            if (await decide(request).ConfigureAwait(false) is { } refusal)
            {
                await TrySendRejectAsync(connection, settings, refusal.Item1, refusal.Item2).ConfigureAwait(false);
                throw new HandshakeException(refusal.Item1, $"Refused {initiatorName} on {channel}/{index}: {refusal.Item2}.");
            }

            body.Reset();
            NodeSpec local = settings.Local;
            Write(body, settings.Context, (ref WireWriter w) =>
            {
                w.WriteByte((byte)FrameType.Welcome);
                w.Write(local);
            });
            await FrameCodec.WriteFrameAsync(connection.Output, body, ct).ConfigureAwait(false);
            return request;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new HandshakeException(HandshakeFailure.Timeout, $"The handshake with {connection.RemoteEndPoint} did not finish within {settings.Timeout.TotalSeconds:0.#} s.");
        }
        catch (WireFormatException ex)
        {
            throw new HandshakeException(HandshakeFailure.NotAPartisanPeer, $"Malformed handshake from {connection.RemoteEndPoint}: {ex.Message}");
        }
        catch (ProtocolException ex)
        {
            throw new HandshakeException(HandshakeFailure.NotAPartisanPeer, $"Malformed handshake from {connection.RemoteEndPoint}: {ex.Message}");
        }
        catch (IOException ex)
        {
            throw new HandshakeException(HandshakeFailure.Unknown, $"The connection with {connection.RemoteEndPoint} closed during the handshake ({ex.Message}); the peer may use TLS when this node does not, or the other way round.");
        }
    }

    private static string ProtectionMismatch(NodeName peer, FrameProtection theirs, NodeName local, FrameProtection ours, int version) =>
        version < ProtocolVersions.FrameProtection && ours != FrameProtection.None
            ? $"frame protection mismatch: {local} uses FrameProtection.{ours}, which needs protocol version {ProtocolVersions.FrameProtection}, and {peer} speaks protocol version {version} (FrameProtection.None only)"
            : $"frame protection mismatch: {peer} uses FrameProtection.{theirs}, {local} uses FrameProtection.{ours}";

    private static FrameProtection ReadProtection(ref WireReader reader)
    {
        var mode = (FrameProtection)reader.ReadByte();
        return mode is FrameProtection.None or FrameProtection.Authenticated or FrameProtection.Encrypted
            ? mode
            : throw new HandshakeException(HandshakeFailure.NotAPartisanPeer, $"Unknown frame protection {(byte)mode} in the handshake.");
    }

    /// <summary>
    /// The keys of a connection's two directions: HKDF-SHA256 of the secret key, salted with both nonces, with a label
    /// naming the direction and the transcript as info. Null when frames are not protected.
    /// </summary>
    internal static FrameKeys? DeriveFrameKeys(byte[] secretKey, byte[] clientNonce, byte[] serverNonce, byte[] transcript, FrameProtection protection)
    {
        if (protection == FrameProtection.None)
        {
            return null;
        }

        byte[] salt = new byte[clientNonce.Length + serverNonce.Length];
        clientNonce.CopyTo(salt, 0);
        serverNonce.CopyTo(salt, clientNonce.Length);
        return new FrameKeys(
            protection,
            HKDF.DeriveKey(HashAlgorithmName.SHA256, secretKey, FrameKeySize, salt, Labelled("partisan frames initiator->acceptor", transcript)),
            HKDF.DeriveKey(HashAlgorithmName.SHA256, secretKey, FrameKeySize, salt, Labelled("partisan frames acceptor->initiator", transcript)));
    }

    private static byte[] Labelled(string label, byte[] transcript)
    {
        byte[] data = new byte[label.Length + transcript.Length];
        Encoding.ASCII.GetBytes(label, data);
        transcript.CopyTo(data, label.Length);
        return data;
    }

    private static string VersionMismatch(HandshakeSettings settings, ProtocolVersions offered) =>
        $"protocol {offered} is not supported; {settings.Local.Name} speaks {settings.Versions}";

    private delegate void BodyWriter(ref WireWriter writer);

    private static void Write(WireBuffer body, WireContext context, BodyWriter write)
    {
        var writer = new WireWriter(body, context);
        write(ref writer);
        writer.Flush();
    }

    private static FrameType ReadType(ref WireReader reader, FrameType expected)
    {
        var type = (FrameType)reader.ReadByte();
        if (type == FrameType.Reject)
        {
            var reason = (HandshakeFailure)reader.ReadByte();
            string message = reader.ReadString() ?? "no reason given";
            throw new HandshakeException(reason, "The peer refused the connection: " + message + ".");
        }

        if (type != expected)
        {
            throw new HandshakeException(HandshakeFailure.NotAPartisanPeer, $"Expected a {expected} frame, got {type}.");
        }

        return type;
    }

    private static NodeName ReadName(ref WireReader reader)
    {
        string? text = reader.ReadString();
        return NodeName.TryParse(text, out NodeName name)
            ? name
            : throw new HandshakeException(HandshakeFailure.BadPeerName, "The peer's node name is invalid: " + NodeName.Validate(text));
    }

    private static async ValueTask TrySendRejectAsync(ITransportConnection connection, HandshakeSettings settings, HandshakeFailure reason, string message)
    {
        try
        {
            using var body = new WireBuffer(128);
            Write(body, settings.Context, (ref WireWriter w) =>
            {
                w.WriteByte((byte)FrameType.Reject);
                w.WriteByte((byte)reason);
                w.WriteString(message);
            });
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await FrameCodec.WriteFrameAsync(connection.Output, body, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
            // best effort: the connection is being refused anyway
        }
    }

    private static byte[] Transcript(byte[] clientNonce, byte[] serverNonce, NodeName initiator, NodeName acceptor, string channel, int index, FrameProtection protection)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write(clientNonce);
        buffer.Write(serverNonce);
        buffer.Write(Encoding.UTF8.GetBytes(initiator.Value + "\0" + acceptor.Value + "\0" + channel + "\0"));
        Span<byte> idx = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(idx, index);
        buffer.Write(idx);
        if (protection != FrameProtection.None)
        {
            buffer.Write([(byte)protection]); // version 2: the proofs cover the agreed protection
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Proof(byte[] key, string label, byte[] transcript) => HMACSHA256.HashData(key, Labelled(label, transcript));
}
