namespace Partisan.MetadataStore;

/// <summary>
/// One write of the store: the value of <paramref name="Key"/> under <paramref name="Prefix"/>, or a tombstone (a null
/// <paramref name="Value"/>: the key was deleted), stamped when it was written. What a replica keeps per key, what is
/// broadcast, and what an anti-entropy exchange sends.
/// </summary>
/// <param name="Prefix">The key's namespace (PlumDB's full prefix, flattened to one string).</param>
/// <param name="Key">The key within its prefix.</param>
/// <param name="Value">The value, or null for a tombstone.</param>
/// <param name="Stamp">When it was written: the newest stamp of a key wins.</param>
[PartisanMessage]
public sealed record MetadataEntry(string Prefix, string Key, string? Value, HybridTimestamp Stamp)
{
    /// <summary>True when this write deleted the key.</summary>
    public bool IsTombstone => Value is null;

    /// <summary>The id the broadcast carries for this write.</summary>
    public WriteId Id => new(Prefix, Key, Stamp);
}
