namespace Partisan.Broadcast;

/// <summary>
/// One kind of broadcast, as Partisan's <c>partisan_plumtree_broadcast_handler</c> behaviour: the handler owns the data
/// (the engine keeps no copy of a payload), says whether a message is new, and hands a payload back when a peer that
/// missed it asks (a graft). The engine calls it on its own loop, one call at a time; an exception thrown here is
/// contained and logged, and the message it concerned is treated as not delivered.
/// </summary>
/// <remarks>
/// Message ids are compared with <see cref="object.Equals(object)"/> and hashed with <see cref="object.GetHashCode"/>, so
/// use values (strings, numbers, records), never mutable objects. The engine does not merge what this node broadcasts:
/// apply a write locally, then <see cref="BroadcastEngine.Broadcast"/> it, as Partisan's stores do.
/// </remarks>
public interface IBroadcastHandler
{
    /// <summary>The handler's name, unique in its engine; every broadcast message carries it so the receiver finds this handler.</summary>
    string Name { get; }

    /// <summary>Turns what the application broadcasts into the message id and the payload sent (Partisan's <c>broadcast_data/1</c>).</summary>
    BroadcastData BroadcastData(object message);

    /// <summary>
    /// A payload arrived: store it if it is new and return true (the engine relays it and keeps the sender in the tree);
    /// false for something already known or older (the engine prunes the link it came by). Partisan's <c>merge/2</c>.
    /// </summary>
    bool Merge(object id, object payload);

    /// <summary>True when the message <paramref name="id"/> is known or superseded here, so an announcement of it needs no graft (<c>is_stale/1</c>).</summary>
    bool IsStale(object id);

    /// <summary>A peer that missed <paramref name="id"/> asks for it: its payload, stale (superseded, nothing to send), or an error (<c>graft/1</c>).</summary>
    GraftResult Graft(object id);
}
