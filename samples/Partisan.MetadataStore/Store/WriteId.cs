namespace Partisan.MetadataStore;

/// <summary>The broadcast id of one write: which key, and its stamp (a value, compared by its fields).</summary>
[PartisanMessage]
public sealed record WriteId(string Prefix, string Key, HybridTimestamp Stamp);
