namespace Partisan.Transport;

/// <summary>The first byte of every frame body. See docs/wire.md.</summary>
internal enum FrameType : byte
{
    Hello = 1,
    Challenge = 2,
    Auth = 3,
    Welcome = 4,
    Reject = 5,
    Message = 10,
    Control = 11,
    Ping = 12,
    Pong = 13,
    Goodbye = 14,
    Relay = 15,

    /// <summary>A piece of a larger Message, Control or Relay frame (protocol version 3; docs/wire.md, "Fragments").</summary>
    Fragment = 16,
}

/// <summary>Flags byte of a <see cref="FrameType.Message"/> frame.</summary>
[Flags]
internal enum MessageFlags : byte
{
    None = 0,
    TargetIsName = 1,
    Compressed = 2,

    /// <summary>Optional header fields follow the flags byte (protocol version 2; see <see cref="Channels.FrameExtensions"/>).</summary>
    HasExtensions = 4,
}
