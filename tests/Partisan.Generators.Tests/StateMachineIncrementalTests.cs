using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Partisan.Generators.Helpers;
using Partisan.Generators.StateMachines;
using Partisan.Generators.StateMachines.Model;
using Partisan.Generators.Tests.Support;

namespace Partisan.Generators.Tests;

/// <summary>The [PartisanStateMachine] pipeline re-runs only what an edit touches, and its models hold no Roslyn objects.</summary>
public class StateMachineIncrementalTests
{
    private const string Unrelated = """
        namespace Locks;

        public static class Helpers
        {
            public static int Answer() => 41;
        }
        """;

    private static readonly string[] TrackedSteps =
    [
        PartisanStateMachineGenerator.TrackingNames.Parse,
        PartisanStateMachineGenerator.TrackingNames.Models,
    ];

    private static GeneratorRunResult RunTwice(Func<CSharpCompilation, CSharpCompilation> edit)
    {
        CSharpCompilation first = GeneratorHarness.Compile(StateMachineSources.CodeLock, Unrelated);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(first);
        Assert.Equal(2, driver.GetRunResult().Of<PartisanStateMachineGenerator>().GeneratedSources.Length);
        return driver.RunGenerators(edit(first)).GetRunResult().Of<PartisanStateMachineGenerator>();
    }

    private static CSharpCompilation ReplaceSource(CSharpCompilation compilation, int index, string newSource)
    {
        SyntaxTree old = compilation.SyntaxTrees.ElementAt(index);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(GeneratorHarness.Usings + newSource, GeneratorHarness.ParseOptions, old.FilePath));
    }

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    [Fact]
    public void An_unrelated_edit_leaves_every_step_and_output_cached()
    {
        GeneratorRunResult second = RunTwice(c => ReplaceSource(c, 1, Unrelated.Replace("41", "42", StringComparison.Ordinal)));

        foreach (string step in TrackedSteps)
        {
            Assert.True(second.TrackedSteps.ContainsKey(step), $"step {step} was not tracked");
            Assert.All(Reasons(second, step), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {r}"));
        }

        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output: {o.Reason}"));
    }

    [Fact]
    public void A_new_handler_modifies_the_model_and_re_emits()
    {
        string edited = StateMachineSources.CodeLock.Replace(
            "    [Call, AnyState]\n    private int CodeLength() => _code.Length;",
            "    [Call, AnyState]\n    private int CodeLength() => _code.Length;\n\n    [Cast, AnyState]\n    private void Reset() => _buttons.Clear();",
            StringComparison.Ordinal);
        Assert.NotEqual(StateMachineSources.CodeLock, edited);

        GeneratorRunResult second = RunTwice(c => ReplaceSource(c, 0, edited));

        var model = (StateMachineModel)Assert.Single(second.TrackedSteps[PartisanStateMachineGenerator.TrackingNames.Models].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified).Value;
        Assert.Contains(model.Events, e => e.Name == "Reset");
        Assert.Contains(second.GeneratedSources, s => s.HintName == "Locks.CodeLock.Client.g.cs" && s.SourceText.ToString().Contains("public bool Reset()", StringComparison.Ordinal));
    }

    [Fact]
    public void Code_that_only_moves_does_not_re_emit()
    {
        GeneratorRunResult second = RunTwice(c => ReplaceSource(c, 0, "// a comment that moves everything down\n\n" + StateMachineSources.CodeLock));

        Assert.All(Reasons(second, PartisanStateMachineGenerator.TrackingNames.Models), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output: {o.Reason}"));
    }

    [Fact]
    public void Parsing_the_same_source_twice_gives_equal_but_distinct_models()
    {
        StateMachineModel Parse() => (StateMachineModel)GeneratorHarness.CreateDriver().RunGenerators(GeneratorHarness.Compile(StateMachineSources.CodeLock)).GetRunResult()
            .Of<PartisanStateMachineGenerator>().TrackedSteps[PartisanStateMachineGenerator.TrackingNames.Models].SelectMany(s => s.Outputs).Single().Value;

        StateMachineModel a = Parse();
        StateMachineModel b = Parse();
        Assert.NotSame(a, b);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Pipeline_values_hold_no_symbols_syntax_compilations_or_locations()
    {
        HashSet<Type> seen = ModelWalk.AssertValueOnly(typeof(Result<StateMachineModel>));
        Assert.Contains(typeof(HandlerModel), seen);
        Assert.Contains(typeof(EventModel), seen);
        Assert.Contains(typeof(Payloads.PayloadFieldModel), seen);
    }
}
