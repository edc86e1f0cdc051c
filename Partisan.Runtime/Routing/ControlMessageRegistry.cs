using System.Collections.Frozen;

namespace Partisan.Routing;

/// <summary>
/// Which subsystem handles which runtime control message: monitors register theirs, calls theirs, the overlay
/// its own, and later broadcast and acknowledgements theirs. The inbound dispatcher looks a control message's type
/// up here; nothing else needs to know the list. Registration ends when the node starts.
/// </summary>
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
    public void Freeze() => _frozen ??= _building.ToFrozenDictionary();

    /// <summary>The handler for <paramref name="message"/>'s type, or null.</summary>
    public Action<NodeName, object>? Find(object message) =>
        (_frozen ?? throw new InvalidOperationException("The node has not started.")).GetValueOrDefault(message.GetType());
}
