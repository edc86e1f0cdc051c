namespace Partisan.Delivery;

/// <summary>What <see cref="CausalOrder.Arrive"/> did with a message.</summary>
internal enum CausalArrival
{
    /// <summary>Delivered at once (with whatever it released).</summary>
    Delivered,

    /// <summary>Held until what it depends on has been delivered.</summary>
    Held,

    /// <summary>Delivered before, or declared lost after a hold timed out: dropped.</summary>
    Stale,

    /// <summary>The same message is already held: dropped.</summary>
    Duplicate,

    /// <summary>Its timestamp has no entry for its own sender: dropped.</summary>
    Malformed,
}
