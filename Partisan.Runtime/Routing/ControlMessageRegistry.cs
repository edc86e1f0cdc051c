using System.Collections.Frozen;
using Partisan.Serialization;

namespace Partisan.Routing;

/// <summary>
/// Which subsystem handles which runtime control message: monitors register theirs, calls theirs, the overlay
/// its own, and later broadcast and acknowledgements theirs. The inbound dispatcher looks a control message's type
/// up here; nothing else needs to know the list. Registration ends when the node starts.
/// </summary>
/// <remarks>
/// This maps types to handlers only. Control messages have no id space of their own: they are encoded like any
/// message, with the id their subsystem reserved in the node's <see cref="TypeRegistry"/> (the one id table,
/// docs/wire.md), and <see cref="Freeze"/> checks that every handled type has one.
/// </remarks>
internal sealed class ControlMessageRegistry
{
    private readonly Dictionary<Type, Action<NodeName, object>> _building = new();
    private FrozenDictionary<Type, Action<NodeName, object>>? _frozen;

    /// <summary>Handles control messages of type <typeparamref name="T"/> with <paramref name="handler"/> (sender node, message), called on the connection's reader.</summary>
    /// <exception cref="InvalidOperationException">The type already has a handler, or the node has started.</exception>
    public void Register<T>(Action<NodeName, T> handler)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_frozen is not null)
        {
            throw new InvalidOperationException("Control messages are registered before the node starts.");
        }

        if (!_building.TryAdd(typeof(T), (from, message) => handler(from, (T)message)))
        {
            throw new InvalidOperationException($"{typeof(T).Name} already has a control message handler.");
        }
    }

    /// <summary>Ends registration.</summary>
    /// <exception cref="InvalidOperationException">A handled type has no id in <paramref name="types"/>, so it could never arrive.</exception>
    public void Freeze(TypeRegistry types)
    {
        foreach (Type type in _building.Keys)
        {
            if (!types.TryGetTypeId(type, out _))
            {
                throw new InvalidOperationException($"The control message {type.Name} has no type id; its subsystem must register it (see RuntimeMessages).");
            }
        }

        _frozen ??= _building.ToFrozenDictionary();
    }

    /// <summary>The handler for <paramref name="message"/>'s type, or null.</summary>
    public Action<NodeName, object>? Find(object message) =>
        (_frozen ?? throw new InvalidOperationException("The node has not started.")).GetValueOrDefault(message.GetType());
}
