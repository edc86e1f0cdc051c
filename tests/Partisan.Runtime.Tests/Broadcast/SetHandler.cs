using Partisan.Broadcast;

namespace Partisan.Tests.Broadcast;

/// <summary>A broadcast handler whose messages are strings, each its own id and payload, kept in a set.</summary>
internal sealed class SetHandler(string name = "set") : IBroadcastHandler
{
    public string Name { get; } = name;

    public HashSet<string> Items { get; } = new(StringComparer.Ordinal);

    public List<string> Merged { get; } = new();

    /// <summary>When set, <see cref="Merge"/> throws for this item.</summary>
    public string? FailOn { get; set; }

    public BroadcastData BroadcastData(object message) => new(message, message);

    public bool Merge(object id, object payload)
    {
        var item = (string)payload;
        if (item == FailOn)
        {
            throw new InvalidOperationException("merge failed on purpose");
        }

        if (!Items.Add(item))
        {
            return false;
        }

        Merged.Add(item);
        return true;
    }

    public bool IsStale(object id) => Items.Contains((string)id);

    public GraftResult Graft(object id) => Items.Contains((string)id) ? GraftResult.Found(id) : GraftResult.Failed("unknown id");

    /// <summary>What the application does: apply the write locally, then broadcast it.</summary>
    public void Publish(BroadcastEngine engine, string item)
    {
        Items.Add(item);
        Assert.True(engine.Broadcast(item, this));
    }
}
