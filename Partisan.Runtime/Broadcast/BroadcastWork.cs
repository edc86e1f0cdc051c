namespace Partisan.Broadcast;

/// <summary>What a <see cref="BroadcastHost"/> runs on its loop, one item at a time.</summary>
internal enum BroadcastWorkKind
{
    /// <summary>A message from a peer (<see cref="BroadcastWork.From"/>, <see cref="BroadcastWork.Item"/>).</summary>
    Message,

    /// <summary>A timer fired (<see cref="BroadcastWork.Item"/> is the arming).</summary>
    Timer,

    /// <summary>The overlay's neighbours or members changed (<see cref="BroadcastWork.Item"/> is a <see cref="BroadcastTopology"/>).</summary>
    Topology,

    /// <summary>The application broadcasts <see cref="BroadcastWork.Item"/> with <see cref="BroadcastWork.Handler"/>.</summary>
    Broadcast,

    /// <summary>A handler is added (<see cref="BroadcastWork.Handler"/>).</summary>
    Register,

    /// <summary>Something to run on the loop (<see cref="BroadcastWork.Item"/> is an <see cref="Action{T}"/> of the engine).</summary>
    Invoke,
}

/// <summary>One work item of a <see cref="BroadcastHost"/>: a value, so a message from a peer costs no allocation to queue.</summary>
internal readonly record struct BroadcastWork(BroadcastWorkKind Kind, NodeName From, object? Item, IBroadcastHandler? Handler = null);

/// <summary>The overlay's neighbours (this node left out) and members (this node included) after a change.</summary>
internal sealed record BroadcastTopology(NodeName[] Neighbours, NodeName[] Members);
