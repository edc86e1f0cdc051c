namespace Partisan;

/// <summary>How a channel compresses message payloads.</summary>
public enum ChannelCompression : byte
{
    /// <summary>No compression.</summary>
    None = 0,

    /// <summary>Deflate (System.IO.Compression), fast.</summary>
    Deflate = 1,

    /// <summary>Brotli (System.IO.Compression), smaller.</summary>
    Brotli = 2,
}
