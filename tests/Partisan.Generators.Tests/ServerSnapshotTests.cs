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

/// <summary>Generated server code compiles cleanly where user names collide with generated ones.</summary>
public class ServerCompileTests
{
    [Fact]
    public void Names_that_clash_with_generated_parameters_locals_and_members_compile()
    {
        GeneratorHarness.RunClean("""
            using System.Threading;
            using System.Threading.Tasks;
            namespace Clash;

            [PartisanServer]
            public partial class @event
            {
                [Call] public int Node(int timeout, string cancellationToken, long from, long context, long request, long r) => 0;

                [Call] public Task<int> Server(int timeout2, int @class) => Task.FromResult(@class);

                [Call] public void Options(string partisanFormatter, int PartisanFormatter, ReplyTo<string> reply) => reply.Send(partisanFormatter);

                [Cast] public void Client(string name) { }

                [Cast] public Task StartAsync(int node) => Task.CompletedTask;

                [Info] private void Message(object message, GenServerContext context) { }

                [Terminate] private ValueTask Done(GenServerContext context, ExitReason reason) => default;
            }
            """);
    }

    [Fact]
    public void Records_and_nullable_value_type_info_messages_compile()
    {
        GeneratorHarness.RunClean("""
            namespace N;

            public enum Level { Low, High }

            [PartisanServer]
            public sealed partial record Thermostat(int Target)
            {
                private int _seen;

                [Call] public Level LevelOf(int value) => value > Target ? Level.High : Level.Low;

                [Call] public Level? Last() => _seen == 0 ? null : Level.Low;

                [Info] private void OnReading(int? reading) => _seen += reading ?? 0;
            }
            """);
    }

    [Fact]
    public void A_server_without_a_parameterless_constructor_gets_factory_start_helpers_only()
    {
        GeneratorDriverRunResult run = GeneratorHarness.RunClean("""
            namespace N;

            [PartisanServer]
            internal sealed partial class Configured(int limit)
            {
                [Call] public int Limit() => limit;
            }
            """);
        string source = run.Results.SelectMany(r => r.GeneratedSources).Single(s => s.HintName == "N.Configured.Partisan.g.cs").SourceText.ToString();

        Assert.Contains("StartAsync(global::Partisan.PartisanNode node, global::System.Func<global::N.Configured> factory", source, StringComparison.Ordinal);
        Assert.DoesNotContain("StartAsync(global::Partisan.PartisanNode node, string? name = null)", source, StringComparison.Ordinal);
        Assert.Contains("internal sealed class ConfiguredClient", source, StringComparison.Ordinal);
    }
}
