namespace Partisan.Membership;

/// <summary>
/// The overlay's membership logic, separated from connection handling so another overlay can be
/// plugged in (Partisan's <c>partisan_membership_strategy</c>). The peer service manager calls it
/// from one loop, never concurrently, and acts on what it returns: it connects to the members,
/// disconnects from nodes that left, and sends the outgoing messages on the membership channel.
/// Messages must be types the node's <see cref="Serialization.TypeRegistry"/> knows.
/// </summary>
public interface IMembershipStrategy
{
    /// <summary>Starts with only <paramref name="self"/> as a member.</summary>
    MembershipUpdate Initialize(NodeSpec self);

    /// <summary>This node has contacted <paramref name="peer"/> to join it (or its cluster).</summary>
    MembershipUpdate Join(NodeSpec peer);

    /// <summary>Removes <paramref name="node"/> (which may be this node, for a self-leave).</summary>
    MembershipUpdate Leave(NodeName node);

    /// <summary>Called every gossip interval.</summary>
    MembershipUpdate Periodic();

    /// <summary>A membership message arrived from <paramref name="from"/>.</summary>
    MembershipUpdate HandleMessage(NodeName from, object message);
}

/// <summary>What a membership strategy wants after an event.</summary>
/// <param name="Members">The current members, this node included, one spec per node.</param>
/// <param name="Outgoing">Messages to send on the membership channel.</param>
/// <param name="SelfRemoved">True when another node removed this one: the node resets to a cluster of one.</param>
public sealed record MembershipUpdate(IReadOnlyList<NodeSpec> Members, IReadOnlyList<OutgoingMembershipMessage> Outgoing, bool SelfRemoved = false);

/// <summary>A message a membership strategy wants sent.</summary>
/// <param name="To">The destination node.</param>
/// <param name="Message">The message (a registered type).</param>
public readonly record struct OutgoingMembershipMessage(NodeName To, object Message);
