using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Partisan.Generators.Helpers;
using Partisan.Generators.Rpc;
using Partisan.Generators.Rpc.Model;
using Partisan.Generators.Tests.Support;

namespace Partisan.Generators.Tests;

/// <summary>The [PartisanRpc] pipeline re-runs only what an edit touches, and its values hold no Roslyn objects.</summary>
public class RpcIncrementalTests
{
    private const string Interfaces = """
        using System.Threading.Tasks;

        namespace Demo;

        [PartisanRpc]
        public interface ICalculator
        {
            Task<int> AddAsync(int a, int b);

            void Log(string line);
        }

        [PartisanRpc]
        public interface IClock
        {
            Task<DateTime> NowAsync();
        }
        """;

    private const string Unrelated = """
        namespace Demo;

        public static class Helpers
        {
            public static int Answer() => 41;
        }
        """;

    private static readonly string[] TrackedSteps =
    [
        PartisanRpcGenerator.TrackingNames.Parse,
        PartisanRpcGenerator.TrackingNames.Models,
        PartisanRpcGenerator.TrackingNames.ClassNameDiagnostics,
    ];

    private static (GeneratorRunResult First, GeneratorRunResult Second) RunTwice(Func<CSharpCompilation, CSharpCompilation> edit)
    {
        CSharpCompilation first = GeneratorHarness.Compile(Interfaces, Unrelated);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(first);
        GeneratorRunResult firstResult = driver.GetRunResult().Of<PartisanRpcGenerator>();
        driver = driver.RunGenerators(edit(first));
        return (firstResult, driver.GetRunResult().Of<PartisanRpcGenerator>());
    }

    private static CSharpCompilation ReplaceSource(CSharpCompilation compilation, int index, string newSource)
    {
        SyntaxTree old = compilation.SyntaxTrees.ElementAt(index);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(GeneratorHarness.Usings + newSource, GeneratorHarness.ParseOptions, old.FilePath));
    }

    private static List<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();

    private static void AssertOutputsCached(GeneratorRunResult result) =>
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output: {o.Reason}"));

    [Fact]
    public void An_unrelated_edit_leaves_every_step_and_output_cached()
    {
        (GeneratorRunResult first, GeneratorRunResult second) = RunTwice(c => ReplaceSource(c, 1, Unrelated.Replace("41", "42", StringComparison.Ordinal)));

        Assert.Equal(["Demo.ICalculator.PartisanRpc.g.cs", "Demo.IClock.PartisanRpc.g.cs"], first.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal));
        foreach (string step in TrackedSteps)
        {
            Assert.True(second.TrackedSteps.ContainsKey(step), $"step {step} was not tracked");
            List<IncrementalStepRunReason> reasons = Reasons(second, step);
            Assert.NotEmpty(reasons);
            Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {r}"));
        }

        AssertOutputsCached(second);
    }

    [Fact]
    public void A_new_method_modifies_that_interface_only()
    {
        (_, GeneratorRunResult second) = RunTwice(c => ReplaceSource(c, 0, Interfaces.Replace("void Log(string line);", "void Log(string line);\n\n    Task ResetAsync();", StringComparison.Ordinal)));

        var models = second.TrackedSteps[PartisanRpcGenerator.TrackingNames.Models].SelectMany(s => s.Outputs).ToList();
        Assert.Contains(models, o => o.Reason == IncrementalStepRunReason.Modified && ((RpcInterfaceModel)o.Value).ClassName == "CalculatorRpc" && ((RpcInterfaceModel)o.Value).Methods.Count == 3);
        Assert.Contains(models, o => o.Reason is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached && ((RpcInterfaceModel)o.Value).ClassName == "ClockRpc");
        Assert.Contains("ResetAsync", second.GeneratedSources.Single(s => s.HintName == "Demo.ICalculator.PartisanRpc.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Code_that_only_moves_does_not_re_emit()
    {
        (_, GeneratorRunResult second) = RunTwice(c => ReplaceSource(c, 0, "// a comment that moves everything down\n\n" + Interfaces));

        // The parse result holds the class name claim's location, so it changes...
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(second, PartisanRpcGenerator.TrackingNames.Parse));

        // ...but the models do not, so the emitter does not run again.
        Assert.All(Reasons(second, PartisanRpcGenerator.TrackingNames.Models), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        AssertOutputsCached(second);
    }

    [Fact]
    public void A_broken_method_turns_the_model_into_a_diagnostic()
    {
        (_, GeneratorRunResult broken) = RunTwice(c => ReplaceSource(c, 0, Interfaces.Replace("void Log(string line);", "int Log(string line);", StringComparison.Ordinal)));

        Assert.Equal(["Demo.IClock.PartisanRpc.g.cs"], broken.GeneratedSources.Select(s => s.HintName));
        DiagnosticInfo diagnostic = Assert.Single(broken.TrackedSteps[PartisanRpcGenerator.TrackingNames.Diagnostics].SelectMany(s => s.Outputs).SelectMany(o => (EquatableArray<DiagnosticInfo>)o.Value));
        Assert.Equal("PARTISAN022", diagnostic.Id);
    }

    [Fact]
    public void Parsing_the_same_source_twice_gives_equal_but_distinct_models()
    {
        RpcInterfaceModel First() => (RpcInterfaceModel)GeneratorHarness.CreateDriver().RunGenerators(GeneratorHarness.Compile(Interfaces)).GetRunResult().Of<PartisanRpcGenerator>()
            .TrackedSteps[PartisanRpcGenerator.TrackingNames.Models].SelectMany(s => s.Outputs).First().Value;

        RpcInterfaceModel a = First();
        RpcInterfaceModel b = First();
        Assert.NotSame(a, b);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Pipeline_values_hold_no_symbols_syntax_compilations_or_locations()
    {
        HashSet<Type> seen = ModelWalk.AssertValueOnly(typeof(RpcParseResult));

        Assert.Contains(typeof(RpcMethodModel), seen);
        Assert.Contains(typeof(RpcClassClaim), seen);
        Assert.Contains(typeof(RpcParameterModel), seen);
        Assert.Contains(typeof(RpcValueModel), seen);
        Assert.Contains(typeof(HierarchyInfo), seen);
        Assert.Contains(typeof(DiagnosticInfo), seen);
    }
}
