namespace Partisan.Simulation;

/// <summary>
/// One connection between two simulated nodes (the runtime's membership-channel connection): FIFO each way, opened by
/// <see cref="Initiator"/>'s dial, up at the acceptor when it admits the dial and at the initiator when the welcome arrives.
/// </summary>
internal sealed class SimulatedLink
{
    public SimulatedLink(SimulatedNode initiator, SimulatedPeer initiatorPeer, SimulatedNode acceptor)
    {
        Initiator = initiator;
        InitiatorPeer = initiatorPeer;
        Acceptor = acceptor;
        InitiatorEpoch = initiator.Epoch;
        AcceptorEpoch = acceptor.Epoch;
    }

    public SimulatedNode Initiator { get; }

    public SimulatedNode Acceptor { get; }

    /// <summary>The initiator's entry for the acceptor that dialed (its dial state).</summary>
    public SimulatedPeer InitiatorPeer { get; }

    /// <summary>The acceptor's spec when it admitted the dial (what the handshake tells the initiator).</summary>
    public NodeSpec? AcceptorSpec { get; set; }

    public int InitiatorEpoch { get; }

    // Set when the acceptor admits the dial.
    public int AcceptorEpoch { get; set; }

    /// <summary>Killed by a crash or a detected partition: nothing more is delivered on it.</summary>
    public bool Dead { get; set; }

    /// <summary>In the simulation's set of links that can be cut (accepted, not dead).</summary>
    public bool Registered { get; set; }

    // The arrival time of the last message each way, so a message never overtakes an earlier one (TCP order).
    public long LastToInitiator { get; set; }

    public long LastToAcceptor { get; set; }

    public SimulatedNode Other(SimulatedNode node) => ReferenceEquals(node, Initiator) ? Acceptor : Initiator;

    public int EpochOf(SimulatedNode node) => ReferenceEquals(node, Initiator) ? InitiatorEpoch : AcceptorEpoch;

    /// <summary>The arrival time of a message sent now toward <paramref name="to"/>: after the last one that way.</summary>
    public long ArrivalAt(SimulatedNode to, long earliest)
    {
        if (ReferenceEquals(to, Initiator))
        {
            long at = Math.Max(earliest, LastToInitiator);
            LastToInitiator = at;
            return at;
        }
        else
        {
            long at = Math.Max(earliest, LastToAcceptor);
            LastToAcceptor = at;
            return at;
        }
    }
}
