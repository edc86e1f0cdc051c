namespace Partisan.Delivery;

/// <summary>
/// What a causal message carries (header field <see cref="Channels.ExtensionField.CausalClock"/>): its label, its
/// <see cref="Timestamp"/> (the sender's clock of that label once it counted this message) and the sender's order buffer
/// (<see cref="Dependencies"/>: per destination, the clock of the latest message to that destination the sender knows
/// of, sent by itself or by anyone before it). The receiver delivers the message once its own clock dominates the
/// entry for itself (Schiper, Eggli and Sandoz's algorithm, as Partisan's causality backend), and merges the whole
/// buffer into its own, which Partisan discards.
/// </summary>
internal sealed class CausalStamp
{
    public CausalStamp(string label, VectorClock timestamp, Dictionary<NodeName, VectorClock> dependencies)
    {
        Label = label;
        Timestamp = timestamp;
        Dependencies = dependencies;
    }

    /// <summary>The causal label (an order of its own).</summary>
    public string Label { get; }

    /// <summary>The sender's clock of the label, this message counted.</summary>
    public VectorClock Timestamp { get; }

    /// <summary>The sender's order buffer when it sent the message: per destination, what a message to it must wait for.</summary>
    public Dictionary<NodeName, VectorClock> Dependencies { get; }

    /// <summary>What <paramref name="receiver"/> must have delivered before this message, or null when nothing.</summary>
    public VectorClock? DependencyOf(NodeName receiver) => Dependencies.GetValueOrDefault(receiver);

    /// <summary>Entries in the timestamp and every dependency (its size, for bounds and tests).</summary>
    public int EntryCount
    {
        get
        {
            int count = Timestamp.Count;
            foreach (VectorClock clock in Dependencies.Values)
            {
                count += clock.Count;
            }

            return count;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Label} {Timestamp} after {Dependencies.Count} destination(s)";
}
