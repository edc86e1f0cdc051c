using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Partisan.Serialization;

namespace Partisan.Transport;

/// <summary>
/// The session keys a handshake derived for a connection's two directions, and the protection they serve (null keys
/// on a connection with <see cref="FrameProtection.None"/>).
/// </summary>
internal sealed record FrameKeys(FrameProtection Mode, byte[] InitiatorToAcceptor, byte[] AcceptorToInitiator)
{
    /// <summary>The key of what this side sends.</summary>
    public byte[] SendKey(bool initiator) => initiator ? InitiatorToAcceptor : AcceptorToInitiator;

    /// <summary>The key of what this side receives.</summary>
    public byte[] ReceiveKey(bool initiator) => initiator ? AcceptorToInitiator : InitiatorToAcceptor;
}

/// <summary>
/// AES-GCM over the frames of one direction of a connection (docs/wire.md, "Protected frames"). The nonce is the
/// direction's frame counter, never sent: both ends count, so a frame injected, replayed, reordered or dropped on the
/// way fails authentication. Not thread-safe: one writer loop owns a sealer, one reader loop an opener.
/// </summary>
internal abstract class FrameCipher : IDisposable
{
    /// <summary>Bytes of the authentication tag after each protected body.</summary>
    public const int TagSize = 16;

    /// <summary>Bytes of the AES-GCM nonce: 4 zero bytes, then the frame counter as a big-endian <c>u64</c>.</summary>
    public const int NonceSize = 12;

    /// <summary>Buffers above this size are allocated for the one frame and never kept in the shared pool.</summary>
    private const int MaxPooled = 1024 * 1024;

    private readonly AesGcm _aes;
    private ulong _counter;

    protected FrameCipher(FrameProtection mode, byte[] key)
    {
        if (mode is not (FrameProtection.Authenticated or FrameProtection.Encrypted))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Only Authenticated and Encrypted frames have a cipher.");
        }

        Encrypts = mode == FrameProtection.Encrypted;
        _aes = new AesGcm(key, TagSize);
    }

    /// <summary>True when bodies are encrypted; otherwise they travel in clear with a tag over them.</summary>
    public bool Encrypts { get; }

    protected AesGcm Aes => _aes;

    /// <summary>Frames sealed or opened so far (the next frame's counter).</summary>
    public ulong Count => _counter;

    /// <summary>Writes the next nonce into <paramref name="nonce"/> and advances the counter.</summary>
    protected void NextNonce(Span<byte> nonce)
    {
        if (_counter == ulong.MaxValue)
        {
            throw new ProtocolException("The frame counter is exhausted; the connection must be reopened.");
        }

        nonce[..4].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], _counter++);
    }

    protected static byte[] Rent(int length) =>
        length > MaxPooled ? GC.AllocateUninitializedArray<byte>(length) : ArrayPool<byte>.Shared.Rent(length);

    /// <summary>Gives back a buffer from <see cref="FrameOpener.Open"/> (or null).</summary>
    public static void Release(byte[]? buffer)
    {
        if (buffer is not null && buffer.Length <= MaxPooled)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose() => _aes.Dispose();
}

/// <summary>Seals the frames a connection writes.</summary>
internal sealed class FrameSealer(FrameProtection mode, byte[] key) : FrameCipher(mode, key)
{
    /// <summary>Writes <paramref name="body"/> (one frame, or a record of a batch of frames) sealed: length, sealed bytes, tag; returns the length written after the header.</summary>
    public int Seal(PipeWriter output, ReadOnlySpan<byte> body)
    {
        int length = checked(body.Length + TagSize);
        Span<byte> span = output.GetSpan(FrameCodec.HeaderSize + length);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)length);
        Span<byte> sealedBody = span.Slice(FrameCodec.HeaderSize, body.Length);
        Span<byte> tag = span.Slice(FrameCodec.HeaderSize + body.Length, TagSize);
        Span<byte> nonce = stackalloc byte[NonceSize];
        NextNonce(nonce);
        if (Encrypts)
        {
            Aes.Encrypt(nonce, body, sealedBody, tag);
        }
        else
        {
            body.CopyTo(sealedBody);
            Aes.Encrypt(nonce, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, tag, body);
        }

        output.Advance(FrameCodec.HeaderSize + length);
        return length;
    }

    /// <summary>Seals a body held in a <see cref="WireBuffer"/>; a body of several segments is copied into a pooled buffer first.</summary>
    public int Seal(PipeWriter output, WireBuffer body)
    {
        if (body.SegmentCount == 1)
        {
            return Seal(output, body.GetSegment(0).Span);
        }

        int length = checked((int)body.WrittenCount);
        byte[] flat = Rent(length);
        try
        {
            int at = 0;
            for (int i = 0; i < body.SegmentCount; i++)
            {
                ReadOnlySpan<byte> segment = body.GetSegment(i).Span;
                segment.CopyTo(flat.AsSpan(at));
                at += segment.Length;
            }

            return Seal(output, flat.AsSpan(0, length));
        }
        finally
        {
            Release(flat);
        }
    }
}

/// <summary>Opens the frames a connection reads.</summary>
internal sealed class FrameOpener(FrameProtection mode, byte[] key) : FrameCipher(mode, key)
{
    /// <summary>
    /// Checks and opens one protected frame (what follows its length prefix). Returns the plain body: a slice of
    /// <paramref name="frame"/> when it was in clear in one segment, otherwise in <paramref name="rented"/>, which the
    /// caller gives back with <see cref="FrameCipher.Release"/> once the body is handled.
    /// </summary>
    /// <exception cref="ProtocolException">The frame is too short or fails authentication.</exception>
    public ReadOnlySequence<byte> Open(in ReadOnlySequence<byte> frame, out byte[]? rented)
    {
        rented = null;
        if (frame.Length <= TagSize)
        {
            throw new ProtocolException($"Received a protected frame of {frame.Length} bytes; it must hold a body and a {TagSize}-byte tag.");
        }

        ulong number = Count;
        int length = (int)frame.Length - TagSize;
        Span<byte> nonce = stackalloc byte[NonceSize];
        NextNonce(nonce);
        Span<byte> tag = stackalloc byte[TagSize];
        frame.Slice(length).CopyTo(tag);
        ReadOnlySequence<byte> sealedBody = frame.Slice(0, length);
        ReadOnlySpan<byte> source;
        if (sealedBody.IsSingleSegment)
        {
            source = sealedBody.FirstSpan;
        }
        else
        {
            rented = Rent(length);
            sealedBody.CopyTo(rented);
            source = rented.AsSpan(0, length);
        }

        try
        {
            if (Encrypts)
            {
                rented ??= Rent(length);
                Aes.Decrypt(nonce, source, tag, rented.AsSpan(0, length)); // in place when the body was copied
                return new ReadOnlySequence<byte>(rented, 0, length);
            }

            Aes.Decrypt(nonce, ReadOnlySpan<byte>.Empty, tag, Span<byte>.Empty, source);
            return rented is null ? sealedBody : new ReadOnlySequence<byte>(rented, 0, length);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            Release(rented);
            rented = null;
            throw new ProtocolException($"Frame {number} failed authentication: it was forged, altered, replayed, reordered or one before it was lost.", ex);
        }
    }
}
