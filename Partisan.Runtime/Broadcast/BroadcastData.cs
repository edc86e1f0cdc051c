namespace Partisan.Broadcast;

/// <summary>What a handler makes of a message to broadcast: the id peers use to tell it apart, and the payload sent.</summary>
/// <param name="Id">The message id (a value: compared with <see cref="object.Equals(object)"/>).</param>
/// <param name="Payload">What is sent and merged on every node.</param>
public readonly record struct BroadcastData(object Id, object Payload);
