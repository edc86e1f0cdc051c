using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Partisan.Generators.Messages;
using Partisan.Generators.Messages.Model;
using Partisan.Generators.Tests.Support;

namespace Partisan.Generators.Tests;

/// <summary>The pipeline re-runs only what an edit touches, and its models hold no Roslyn objects.</summary>
public class IncrementalTests
{
    private const string Messages = """
        namespace Shop;

        [PartisanMessage]
        public sealed record AddItem(string Sku, int Quantity);

        [PartisanMessage(TypeId = 5000)]
        public sealed record Ping(long Seq);
        """;

    private const string Unrelated = """
        namespace Shop;

        public static class Helpers
        {
            public static int Answer() => 41;
        }
        """;

    private static readonly string[] TrackedSteps =
    [
        PartisanMessageGenerator.TrackingNames.Parse,
        PartisanMessageGenerator.TrackingNames.Models,
        PartisanMessageGenerator.TrackingNames.TypeIdDiagnostics,
        PartisanMessageGenerator.TrackingNames.Registrations,
        PartisanMessageGenerator.TrackingNames.RegistrationNamespace,
    ];

    private static (GeneratorRunResult First, GeneratorRunResult Second) RunTwice(Func<CSharpCompilation, CSharpCompilation> edit)
    {
        CSharpCompilation first = GeneratorHarness.Compile(Messages, Unrelated);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(first);
        GeneratorRunResult firstResult = driver.GetRunResult().Of<PartisanMessageGenerator>();
        driver = driver.RunGenerators(edit(first));
        return (firstResult, driver.GetRunResult().Of<PartisanMessageGenerator>());
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
        (GeneratorRunResult first, GeneratorRunResult second) = RunTwice(c => ReplaceSource(c, 1, Unrelated.Replace("41", "42", StringComparison.Ordinal)));

        Assert.Equal(3, first.GeneratedSources.Length);
        foreach (string step in TrackedSteps)
        {
            Assert.True(second.TrackedSteps.ContainsKey(step), $"step {step} was not tracked");
            Assert.All(Reasons(second, step), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {r}"));
        }

        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output: {o.Reason}"));
    }

    [Fact]
    public void A_new_member_modifies_that_model_only()
    {
        (_, GeneratorRunResult second) = RunTwice(c => ReplaceSource(c, 0, Messages.Replace("int Quantity)", "int Quantity, string? Note)", StringComparison.Ordinal)));

        var models = second.TrackedSteps[PartisanMessageGenerator.TrackingNames.Models].SelectMany(s => s.Outputs).ToList();
        Assert.Contains(models, o => o.Reason == IncrementalStepRunReason.Modified && ((MessageModel)o.Value).FormatterName == "AddItemPartisanFormatter");
        Assert.Contains(models, o => o.Reason is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached && ((MessageModel)o.Value).FormatterName == "PingPartisanFormatter");

        // The registration table does not depend on members: it stays as it was.
        Assert.All(Reasons(second, PartisanMessageGenerator.TrackingNames.Registrations), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public void A_new_message_modifies_the_registrations()
    {
        (_, GeneratorRunResult second) = RunTwice(c => ReplaceSource(c, 1, Unrelated + "\n[PartisanMessage] public sealed record Pong(long Seq);\n"));

        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(second, PartisanMessageGenerator.TrackingNames.Registrations));
        Assert.Contains(second.GeneratedSources, s => s.HintName == "Shop.Pong.PartisanFormatter.g.cs");
    }

    [Fact]
    public void Code_that_only_moves_changes_locations_but_does_not_re_emit()
    {
        (_, GeneratorRunResult second) = RunTwice(c => ReplaceSource(c, 0, "// a comment that moves everything down\n\n" + Messages));

        // The parse result holds the type id claim's location, so it changes...
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(second, PartisanMessageGenerator.TrackingNames.Parse));

        // ...but the models do not, so the emitter does not run again.
        Assert.All(Reasons(second, PartisanMessageGenerator.TrackingNames.Models), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output: {o.Reason}"));
    }

    [Fact]
    public void Parsing_the_same_source_twice_gives_equal_but_distinct_models()
    {
        MessageModel First() => (MessageModel)GeneratorHarness.CreateDriver().RunGenerators(GeneratorHarness.Compile(Messages)).GetRunResult().Of<PartisanMessageGenerator>()
            .TrackedSteps[PartisanMessageGenerator.TrackingNames.Models].SelectMany(s => s.Outputs).First().Value;

        MessageModel a = First();
        MessageModel b = First();
        Assert.NotSame(a, b);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Pipeline_values_hold_no_symbols_syntax_compilations_or_locations()
    {
        HashSet<Type> seen = ModelWalk.AssertValueOnly(typeof(MessageParseResult), typeof(RegistrationModel), typeof(Helpers.EquatableArray<Helpers.DiagnosticInfo>));
        Assert.Contains(typeof(MessageModel), seen);
        Assert.Contains(typeof(WireTypeModel), seen);
    }

    // No WeakReference test: with Roslyn 5.12 the driver keeps the previous compilation alive even for a
    // trivial generator (one FAWMN or one CompilationProvider.Select step), so it could not tell a model
    // holding a symbol from the driver's own state. The walk above checks the models instead.
}
