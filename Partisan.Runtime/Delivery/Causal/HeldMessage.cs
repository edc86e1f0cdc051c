namespace Partisan.Delivery;

/// <summary>A causal message that arrived before what it depends on, or one released for delivery.</summary>
/// <param name="From">Its sender (the origin, when it came by relay).</param>
/// <param name="Stamp">Its causal stamp.</param>
/// <param name="Target">The process it is for.</param>
/// <param name="Message">The message.</param>
/// <param name="ArrivedAt">When it arrived, on the node's clock (<see cref="TimeProvider.GetTimestamp"/>).</param>
internal sealed record HeldMessage(NodeName From, CausalStamp Stamp, ProcessRef Target, object Message, long ArrivedAt)
{
    /// <summary>Where it sorts among held messages: a message that happened before another ranks lower.</summary>
    public ulong Rank { get; } = Stamp.Timestamp.Rank();
}
