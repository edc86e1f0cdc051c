namespace Partisan;

/// <summary>
/// Acknowledged and causal delivery (docs/delivery.md). Acknowledged delivery is asked per message
/// (<see cref="ForwardOptions.Ack"/>) or per channel (<see cref="ChannelOptions.Ack"/>); causal delivery per message
/// (<see cref="ForwardOptions.CausalLabel"/>) for a label configured here.
/// </summary>
public sealed class DeliveryOptions
{
    /// <summary>Time between retransmissions of a message not yet acknowledged (Partisan's <c>retransmit_interval</c>, 1 s), on the node's clock.</summary>
    public TimeSpan RetransmitInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Messages kept for retransmission at most (all peers together); a sender then waits (<c>SendAsync</c>) or is refused (<c>ForwardMessage</c> returns false).</summary>
    public int MaxUnackedMessages { get; set; } = 65_536;

    /// <summary>Encoded bytes kept for retransmission at most (all peers together); as <see cref="MaxUnackedMessages"/> when full.</summary>
    public long MaxUnackedBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// The causal labels this node sends and receives on (Partisan's <c>causal_labels</c>; configure the same on every node).
    /// Sending with another label throws <see cref="ArgumentException"/>; a message arriving with one is dropped and logged.
    /// </summary>
    public List<string> CausalLabels { get; } = new();

    /// <summary>
    /// Causal messages held back, waiting for what they depend on, at most (per label, all senders together); beyond, the
    /// oldest held message's missing dependencies are declared lost (a gap: logged and counted) and what that releases is
    /// delivered, still in causal order.
    /// </summary>
    public int MaxHeldCausalMessages { get; set; } = 10_000;

    /// <summary>
    /// How long a causal message may be held, on the node's clock, before its missing dependencies are declared lost (a gap:
    /// logged, counted as dropped with reason <c>causal_gap</c> and in <see cref="PartisanNode.CausalGaps"/>); it is then
    /// delivered, and a lost message that turns up later is dropped as stale. Longer than any partition you expect to heal.
    /// </summary>
    public TimeSpan CausalHoldTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Every problem with these options, one sentence each.</summary>
    internal void Validate(List<string> errors)
    {
        if (RetransmitInterval <= TimeSpan.Zero)
        {
            errors.Add("Delivery.RetransmitInterval must be positive.");
        }

        if (MaxUnackedMessages < 1)
        {
            errors.Add("Delivery.MaxUnackedMessages must be at least 1.");
        }

        if (MaxUnackedBytes < 1024)
        {
            errors.Add("Delivery.MaxUnackedBytes must be at least 1 KiB.");
        }

        if (MaxHeldCausalMessages < 1)
        {
            errors.Add("Delivery.MaxHeldCausalMessages must be at least 1.");
        }

        if (CausalHoldTimeout <= TimeSpan.Zero)
        {
            errors.Add("Delivery.CausalHoldTimeout must be positive.");
        }

        foreach (string label in CausalLabels)
        {
            if (string.IsNullOrEmpty(label) || label.Length > 64)
            {
                errors.Add("Delivery.CausalLabels: a label must have 1 to 64 characters.");
            }
        }
    }
}
