using Microsoft.CodeAnalysis;
using Partisan.Generators.Tests.Support;

namespace Partisan.Generators.Tests;

/// <summary>Generated [PartisanServer] source for representative servers, against checked-in snapshots.</summary>
public class ServerSnapshotTests
{
    /// <summary>The README's counter: a sync call, an async call, a cast, an info handler.</summary>
    public const string Counter = """
        using System.Threading.Tasks;
        namespace Demo;

        [PartisanServer]
        public partial class Counter
        {
            private long _value;

            [Call] public long Add(long by = 1) => _value += by;

            [Call] public async Task<long> SlowAsync(int ms) { await Task.Delay(ms); return _value; }

            [Cast] public void Reset() => _value = 0;

            [Info] private void OnDown(Down down) => _value = -1;
        }
        """;

    /// <summary>Everything else: init/terminate with injected values, deferred replies, Task calls, ValueTask casts, names that clash.</summary>
    public const string KeyValue = """
        using System.Threading.Tasks;
        using Partisan.Behaviours;
        namespace Demo.Storage;

        [PartisanMessage]
        public sealed record Entry(string Key, string? Value);

        [PartisanServer]
        internal sealed partial class KeyValueStore
        {
            private readonly Dictionary<string, string> _data = new();
            private readonly List<(string Key, ReplyTo<string> Reply)> _waiting = new();

            public KeyValueStore(int capacity) => Capacity = capacity;

            public int Capacity { get; }

            [Init] private Task StartAsync(GenServerContext context) => Task.CompletedTask;

            [Terminate] private void Stop(ExitReason reason) { }

            [Call] public string? Get(string key) => _data.TryGetValue(key, out string? v) ? v : null;

            [Call] public Entry[] All(int? limit, string timeout, GenServerContext context) => [];

            [Call] public void WaitFor(string key, ReplyTo<string> reply) => _waiting.Add((key, reply));

            [Call] public Task FlushAsync() => Task.CompletedTask;

            [Cast] public ValueTask Put(string key, string value, GenServerContext context) { _data[key] = value; return default; }

            [Info] private void Other(object message) { }
        }
        """;

    [Fact]
    public void Counter_server() => Snapshot.Verify(GeneratorHarness.RunClean(Counter));

    [Fact]
    public void Key_value_server_with_every_handler_shape() => Snapshot.Verify(GeneratorHarness.RunClean(KeyValue));
}
