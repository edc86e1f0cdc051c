using System.Collections.Concurrent;
using Partisan.Broadcast;

namespace Partisan.Tests.Broadcast;

/// <summary>
/// A broadcast handler for nodes (called on the broadcast loop, read by the test's thread): strings, each its own id and
/// payload, in a concurrent set; anti-entropy exchanges whole sets (each side merges the other's and answers while the
/// other lacks some of its own).
/// </summary>
internal sealed class ConcurrentSetHandler(string name = "set") : IBroadcastHandler, IBroadcastExchange
{
    private readonly ConcurrentDictionary<string, byte> _items = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public bool Contains(string item) => _items.ContainsKey(item);

    public int Count => _items.Count;

    /// <summary>Raised on the broadcast loop for each item merged from a peer.</summary>
    public event Action<string>? Merged;

    /// <summary>What the application does: apply the write locally, then broadcast it.</summary>
    public void Publish(PartisanNode node, string item)
    {
        _items.TryAdd(item, 0);
        Assert.True(node.Broadcast(item, this));
    }

    public BroadcastData BroadcastData(object message) => new(message, message);

    public bool Merge(object id, object payload)
    {
        var item = (string)payload;
        if (!_items.TryAdd(item, 0))
        {
            return false;
        }

        Merged?.Invoke(item);
        return true;
    }

    public bool IsStale(object id) => _items.ContainsKey((string)id);

    public GraftResult Graft(object id) => _items.ContainsKey((string)id) ? GraftResult.Found(id) : GraftResult.Failed("unknown id");

    public object? BeginExchange(NodeName peer) => _items.Keys.ToArray();

    public object? ContinueExchange(NodeName peer, object message)
    {
        var theirs = (string[])message;
        foreach (string item in theirs)
        {
            _items.TryAdd(item, 0);
        }

        return _items.Count > theirs.Length ? _items.Keys.ToArray() : null;
    }
}
