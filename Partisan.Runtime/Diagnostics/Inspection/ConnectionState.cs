namespace Partisan.Diagnostics.Inspection;

/// <summary>The state of one connection slot (peer, channel, index), as <see cref="PartisanNode.Connections"/> reports it.</summary>
public enum ConnectionState
{
    /// <summary>No connection and no dial in progress.</summary>
    Disconnected,

    /// <summary>Dialing, or a connection is in its handshake.</summary>
    Connecting,

    /// <summary>An open connection serves the slot.</summary>
    Connected,

    /// <summary>The connection was replaced or is closing: it finishes what it took and goes.</summary>
    Closing,
}
