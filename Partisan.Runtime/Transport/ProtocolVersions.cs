namespace Partisan.Transport;

/// <summary>
/// A range of wire protocol versions a node speaks (docs/wire.md, "Version negotiation"). The handshake picks the highest
/// version both ends speak; the connection records it, and senders write only what that version defines.
/// </summary>
/// <param name="Min">The oldest version spoken.</param>
/// <param name="Max">The newest version spoken.</param>
internal readonly record struct ProtocolVersions(int Min, int Max)
{
    /// <summary>Version 1: the frames, handshake and encoding of 2026-11.</summary>
    public const int V1 = 1;

    /// <summary>Version 2: optional header fields in message frames (<see cref="MessageFlags.HasExtensions"/>).</summary>
    public const int V2 = 2;

    /// <summary>Version 3: large frames travel as <see cref="FrameType.Fragment"/> frames that interleave with other frames.</summary>
    public const int V3 = 3;

    /// <summary>The first version with message header extensions.</summary>
    public const int Extensions = V2;

    /// <summary>The first version with protected frames (<see cref="Transport.FrameProtection"/> other than <c>None</c>).</summary>
    public const int FrameProtection = V2;

    /// <summary>The first version whose writers split large frames into fragments (docs/wire.md, "Fragments").</summary>
    public const int Fragments = V3;

    /// <summary>The oldest version this build speaks.</summary>
    public const int OldestSupported = V1;

    /// <summary>The newest version this build speaks.</summary>
    public const int Newest = V3;

    /// <summary>What this build speaks: 1 to 3.</summary>
    public static ProtocolVersions Supported { get; } = new(OldestSupported, Newest);

    /// <summary>True when <paramref name="version"/> is in the range.</summary>
    public bool Contains(int version) => version >= Min && version <= Max;

    /// <summary>The highest version in both ranges, or null when they do not overlap.</summary>
    public int? Negotiate(ProtocolVersions peer)
    {
        int high = Math.Min(Max, peer.Max);
        return high >= Math.Max(Min, peer.Min) ? high : null;
    }

    /// <summary>Null when this build can speak the range, otherwise why not.</summary>
    public string? Validate() =>
        Min < OldestSupported || Max > Newest || Min > Max
            ? $"ProtocolVersions must be a range within {OldestSupported}–{Newest} with Min <= Max, not {Min}–{Max}."
            : null;

    /// <summary>"version 1" or "versions 1–2", for messages.</summary>
    public override string ToString() => Min == Max ? $"version {Min}" : $"versions {Min}–{Max}";
}
