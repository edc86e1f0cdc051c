using Partisan.Broadcast;

namespace Partisan.Tests.Broadcast;

/// <summary>A <see cref="SetHandler"/> that repairs by exchanging whole sets: each side merges what the other sent and answers with its own set while the other lacks some of it.</summary>
internal sealed class ExchangeSetHandler : IBroadcastHandler, IBroadcastExchange
{
    private readonly SetHandler _set = new();

    public string Name => _set.Name;

    public HashSet<string> Items => _set.Items;

    public BroadcastData BroadcastData(object message) => _set.BroadcastData(message);

    public bool Merge(object id, object payload) => _set.Merge(id, payload);

    public bool IsStale(object id) => _set.IsStale(id);

    public GraftResult Graft(object id) => _set.Graft(id);

    public object? BeginExchange(NodeName peer) => Items.ToArray();

    public object? ContinueExchange(NodeName peer, object message)
    {
        var theirs = (string[])message;
        Items.UnionWith(theirs);
        return Items.Count > theirs.Length ? Items.ToArray() : null;
    }

    public void Publish(BroadcastEngine engine, string item)
    {
        Items.Add(item);
        Assert.True(engine.Broadcast(item, this));
    }
}
