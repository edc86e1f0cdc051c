namespace Partisan.Faults;

/// <summary>Which way a fault applies, seen from the node that injects it.</summary>
public enum FaultDirection
{
    /// <summary>Frames or messages this node sends to the peer.</summary>
    Send,

    /// <summary>Frames or messages this node receives from the peer.</summary>
    Receive,
}
