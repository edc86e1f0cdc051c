namespace Partisan.Serialization;

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
