namespace Partisan.Serialization;

/// <summary>How remote references (pids, refs, names) are encoded on the wire; Partisan's <c>remote_ref_format</c>.</summary>
public enum RemoteRefFormat
{
    /// <summary>The compact tuple form: node, kind, id or name as binary fields.</summary>
    Tuple = 0,

    /// <summary>The URI form <c>partisan:pid:&lt;node&gt;:&lt;id&gt;</c>, optionally padded.</summary>
    Uri = 1,
}

/// <summary>What a <see cref="WireWriter"/> or <see cref="WireReader"/> needs besides the bytes: the type registry and encoding options.</summary>
public sealed class WireContext
{
    /// <summary>Creates a context.</summary>
    public WireContext(TypeRegistry registry, RemoteRefFormat remoteRefFormat = RemoteRefFormat.Tuple, bool remoteRefUriPadding = false, int maxDepth = 64)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
        Registry = registry;
        RemoteRefFormat = remoteRefFormat;
        RemoteRefUriPadding = remoteRefUriPadding;
        MaxDepth = maxDepth;
    }

    /// <summary>A context over <see cref="TypeRegistry.Default"/> with default options.</summary>
    public static WireContext Default { get; } = new(TypeRegistry.Default);

    /// <summary>The types known to this context.</summary>
    public TypeRegistry Registry { get; }

    /// <summary>How pids, refs and names are written (reading accepts both forms).</summary>
    public RemoteRefFormat RemoteRefFormat { get; }

    /// <summary>Whether URI-form references are padded to 65 bytes, as Partisan's <c>remote_ref_binary_padding</c>.</summary>
    public bool RemoteRefUriPadding { get; }

    /// <summary>Deepest nesting of objects and collections accepted, writing or reading.</summary>
    public int MaxDepth { get; }
}
