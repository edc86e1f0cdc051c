using Microsoft.CodeAnalysis;
using Partisan.Generators.Tests.Support;

namespace Partisan.Generators.Tests;

/// <summary>The generated source of the OTP guide's state machines, against checked-in snapshots (see README.md).</summary>
public class StateMachineSnapshotTests
{
    [Fact]
    public void CodeLock() => Snapshot.Verify(GeneratorHarness.RunOutputClean(StateMachineSources.CodeLock));

    [Fact]
    public void PushButton() => Snapshot.Verify(GeneratorHarness.RunOutputClean(StateMachineSources.PushButton));

    [Fact]
    public void A_record_class_machine_with_a_nullable_enum_reply_compiles_and_registers_the_enum()
    {
        GeneratorDriverRunResult result = GeneratorHarness.RunOutputClean("""
            namespace N;

            public enum Light { Off, On }

            [PartisanStateMachine(typeof(Light))]
            public partial record Lamp(string Room)
            {
                [Init] private Light Init() => Light.Off;

                [Cast, Event("Toggle")] private Transition<Light> Off() => Next(Light.On);

                [Cast, Event("Toggle")] private Transition<Light> On() => Next(Light.Off);

                [Call, AnyState] private Light? IfOn(Light state) => state == Light.On ? state : null;
            }
            """);

        string all = GeneratorHarness.AllGenerated(result);
        Assert.Contains("partial record Lamp", all, StringComparison.Ordinal);
        Assert.Contains("EnumFormatter<global::N.Light>", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_global_namespace_async_keyword_and_typed_content_shapes_compile_cleanly()
    {
        GeneratorDriverRunResult result = GeneratorHarness.RunOutputClean("""
            using System.Threading.Tasks;

            public enum Phase { Start, @class }

            public partial class Outer
            {
                [PartisanStateMachine(typeof(Phase), StateEnter = true, Mode = StateMachineMode.HandleEvent)]
                internal partial class Inner
                {
                    [Init]
                    private async Task<Transition<Phase>> Init(GenStatemContext context)
                    {
                        await Task.Yield();
                        return Next(Phase.Start).StateTimeout(TimeSpan.FromSeconds(1), "first");
                    }

                    [Terminate]
                    private async ValueTask Done(ExitReason reason, Phase state, GenStatemContext context) => await Task.Yield();

                    [Enter]
                    private void Entered(Phase state, Phase from)
                    {
                    }

                    [StateTimeout]
                    private Transition<Phase> Late(Phase state, string content) => Next(Phase.@class);

                    [GenericTimeout("a\"b")]
                    private Task Quoted(object? content) => Task.CompletedTask;

                    [Call]
                    private async Task<(Transition<Phase>, string?)> Ask(Phase state, string? @event, int[] values, List<string> names, Pid who)
                    {
                        await Task.Yield();
                        return (Keep(), @event);
                    }

                    [Call]
                    private ValueTask<Transition<Phase>> Hold(Caller<Phase> caller) => new(Keep().Reply(caller, Phase.Start));

                    [Cast]
                    private ValueTask Tell(Phase state, GenStatemContext context, Dictionary<string, int> map, DateTimeOffset when) => default;

                    [Info]
                    private void OnDown(Down down)
                    {
                    }

                    [Internal]
                    private Transition<Phase> OnStep(Phase state, string step) => Repeat();

                    [EventTimeout]
                    private Transition<Phase> Idle() => Stop(ExitReason.Normal);
                }
            }

            [PartisanStateMachine(typeof(Phase))]
            public partial class Keywords
            {
                public Keywords(int unused)
                {
                }

                [Init]
                private Phase Init() => Phase.@class;

                [Cast, Event("Go")]
                private Transition<Phase> @class(int @int) => Next(Phase.Start);

                [Cast, Event("Go")]
                private void Start(int @int)
                {
                }
            }
            """);
        var hints = result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).Where(h => !h.StartsWith("PartisanGenerated", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["Keywords.Client.g.cs", "Keywords.StateMachine.g.cs", "Outer+Inner.Client.g.cs", "Outer+Inner.StateMachine.g.cs"], hints);
        string client = result.Results.SelectMany(r => r.GeneratedSources).Single(s => s.HintName == "Outer+Inner.Client.g.cs").SourceText.ToString();
        Assert.Contains("internal sealed class Outer_InnerClient", client, StringComparison.Ordinal);
        Assert.Contains("AskAsync(string? @event, int[] values, global::System.Collections.Generic.List<string> names, global::Partisan.Pid who, global::System.Threading.CancellationToken cancellationToken = default)", client, StringComparison.Ordinal);
        Assert.Contains("Task<global::Phase> HoldAsync(", client, StringComparison.Ordinal);
    }
}
