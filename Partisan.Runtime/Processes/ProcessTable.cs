using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Partisan.Processes;

/// <summary>The processes and reply slots of one node, by local id, and the registered names.</summary>
internal sealed class ProcessTable
{
    private readonly ConcurrentDictionary<long, IMessageTarget> _targets = new();
    private readonly ConcurrentDictionary<string, Pid> _names = new(StringComparer.Ordinal);
    private long _nextId;

    public int Count => _targets.Count;

    public long NextId() => Interlocked.Increment(ref _nextId);

    public void Add(long id, IMessageTarget target) => _targets[id] = target;

    public bool Remove(long id) => _targets.TryRemove(id, out _);

    public bool TryGet(long id, [NotNullWhen(true)] out IMessageTarget? target) => _targets.TryGetValue(id, out target);

    public bool TryGetByName(string name, out Pid pid) => _names.TryGetValue(name, out pid);

    public bool TryRegister(string name, Pid pid) => _names.TryAdd(name, pid);

    public bool Unregister(string name) => _names.TryRemove(name, out _);

    public bool Unregister(string name, Pid pid) => _names.TryRemove(new KeyValuePair<string, Pid>(name, pid));

    public IReadOnlyList<string> RegisteredNames() => _names.Keys.ToArray();

    public IEnumerable<IMessageTarget> All => _targets.Values;
}
