namespace Partisan.Overlays.Static;

/// <summary>One node of a static overlay's configuration (<see cref="StaticOverlayOptions.Nodes"/>).</summary>
public sealed class StaticNodeOptions
{
    /// <summary>The node's name, <c>name@host</c>. Required.</summary>
    public string? Name { get; set; }

    /// <summary>Where the node accepts connections, <c>host:port</c> (a fixed port). At least one.</summary>
    public List<string> ListenAddresses { get; } = new();

    /// <summary>The node's tags, optional (what its spec shows until a connection tells its own).</summary>
    public List<string> Tags { get; } = new();
}
