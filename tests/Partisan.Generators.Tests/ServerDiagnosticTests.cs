using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Partisan.Generators.Server;
using Partisan.Generators.Server.Model;
using Partisan.Generators.Tests.Support;
using static Partisan.Generators.Tests.DiagnosticTests;

namespace Partisan.Generators.Tests;

/// <summary>One test per [PartisanServer] diagnostic (PARTISAN010–018), with its span; and the generator's incrementality.</summary>
public class ServerDiagnosticTests
{
    [Fact]
    public void PARTISAN010_ServerNotPartial() => Verify("""
        namespace N;

        [PartisanServer]
        public class {|PARTISAN010:Counter|}
        {
            [Call] public int Get() => 1;
        }
        """);

    [Fact]
    public void PARTISAN011_NestedGenericStaticAndAbstractServers() => Verify("""
        namespace N;

        public partial class Outer
        {
            [PartisanServer]
            public partial class {|PARTISAN011:Inner|} { }
        }

        [PartisanServer]
        public partial class {|PARTISAN011:Box|}<T> { }

        [PartisanServer]
        public static partial class {|PARTISAN011:Helpers|} { }

        [PartisanServer]
        public abstract partial class {|PARTISAN011:Base|} { }
        """);

    [Fact]
    public void PARTISAN012_CallReturnsVoid() => Verify("""
        namespace N;

        [PartisanServer]
        public partial class Counter
        {
            private int _value;

            [Call] public void {|PARTISAN012:Bump|}() => _value++;

            [Call] public System.Threading.Tasks.Task Fine() => System.Threading.Tasks.Task.CompletedTask;
        }
        """);

    [Fact]
    public void PARTISAN013_ParameterAndResultTypesThatCannotBeSent() => Verify("""
        using System.Threading.Tasks;
        namespace N;

        [PartisanServer]
        public partial class Files
        {
            [Call] public int Upload(System.IO.Stream {|PARTISAN013:body|}) => 0;

            [Call] public Task<System.Action> {|PARTISAN013:Callback|}() => Task.FromResult<System.Action>(() => { });

            [Cast] public void Cancel(System.Threading.CancellationToken {|PARTISAN013:token|}) { }
        }
        """);

    [Fact]
    public void PARTISAN014_CastReturnsValue() => Verify("""
        using System.Threading.Tasks;
        namespace N;

        [PartisanServer]
        public partial class Counter
        {
            [Cast] public int {|PARTISAN014:Reset|}() => 0;

            [Cast] public Task<int> {|PARTISAN014:ResetLater|}() => Task.FromResult(0);
        }
        """);

    [Fact]
    public void PARTISAN015_HandlerShapesNotSupported() => Verify("""
        using System.Threading.Tasks;
        namespace N;

        [PartisanServer]
        public partial class Counter
        {
            [Call] public static int {|PARTISAN015:Shared|}() => 0;

            [Call] public T {|PARTISAN015:Echo|}<T>(T value) => value;

            [Call] public int {|PARTISAN015:Swap|}(ref int value) => value;

            [Call, Cast] public int {|PARTISAN015:Both|}() => 0;

            [Info] public void {|PARTISAN015:TwoMessages|}(string a, string b) { }

            [Info] public int {|PARTISAN015:Valued|}(string a) => 0;

            [Init] public void Init() { }

            [Init] public void {|PARTISAN015:InitAgain|}() { }

            [Terminate] public void Terminate(ExitReason reason, int {|PARTISAN015:extra|}) { }

            [Call] public int Raw(int x, CallHandle {|PARTISAN015:from|}) => x;

            [Cast] public void {|PARTISAN015:Options|}() { }

            [Call] public Task {|PARTISAN015:StopAsync|}() => Task.CompletedTask;

            [Call] public int {|PARTISAN015:Get|}() => 0;

            public int GetRequest() => 0;
        }
        """);

    [Fact]
    public void PARTISAN016_BehavioursNotReferenced()
    {
        const string Source = "namespace N;\n[PartisanServer]\npublic partial class Counter { [Call] public int Get() => 1; }";
        CSharpCompilation withoutBehaviours = GeneratorHarness.Compile(Source).RemoveReferences(
            GeneratorHarness.References.Where(r => r.Display?.EndsWith("Partisan.Behaviours.dll", StringComparison.Ordinal) == true));

        (GeneratorDriverRunResult result, _, var diagnostics) = GeneratorHarness.Run(withoutBehaviours);

        Diagnostic diagnostic = Assert.Single(diagnostics);
        Assert.Equal("PARTISAN016", diagnostic.Id);
        Assert.Contains("Partisan.Behaviours", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Empty(result.Of<PartisanServerGenerator>().GeneratedSources);
    }

    [Fact]
    public void PARTISAN017_OverloadedHandlers() => Verify("""
        using System.Threading.Tasks;
        namespace N;

        [PartisanServer]
        public partial class Counter
        {
            [Call] public int Add(int by) => by;

            [Call] public long {|PARTISAN017:Add|}(long by) => by;

            [Cast] public void Flush() { }

            [Cast] public Task {|PARTISAN017:FlushAsync|}() => Task.CompletedTask;
        }
        """);

    [Fact]
    public void PARTISAN018_DeferredReplyReturnsValue() => Verify("""
        namespace N;

        [PartisanServer]
        public partial class Counter
        {
            [Call] public int {|PARTISAN018:Later|}(ReplyTo<int> reply) => 0;
        }
        """);

    [Fact]
    public void A_server_with_errors_gets_no_code_and_the_others_still_do()
    {
        CSharpCompilationRun run = RunAll("""
            namespace N;

            [PartisanServer]
            public partial class Good { [Call] public int Get() => 1; }

            [PartisanServer]
            public partial class Bad { [Call] public void Get() { } }
            """);

        Assert.Equal(["N.Good.Partisan.g.cs"], run.HintNames);
        Assert.Equal("PARTISAN012", Assert.Single(run.Diagnostics).Id);
    }

    // ---- incrementality -----------------------------------------------------------------------

    private const string Server = """
        namespace Shop;

        [PartisanServer]
        public partial class Basket
        {
            private int _items;

            [Call] public int Add(int quantity) => _items += quantity;

            [Cast] public void Clear() => _items = 0;
        }
        """;

    private const string Unrelated = "namespace Shop;\npublic static class Helpers { public static int Answer() => 41; }";

    private static GeneratorRunResult RunAgainAfter(Func<CSharpCompilation, CSharpCompilation> edit)
    {
        CSharpCompilation first = GeneratorHarness.Compile(Server, Unrelated);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(first);
        return driver.RunGenerators(edit(first)).GetRunResult().Of<PartisanServerGenerator>();
    }

    private static CSharpCompilation Replace(CSharpCompilation compilation, int index, string source)
    {
        SyntaxTree old = compilation.SyntaxTrees.ElementAt(index);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(GeneratorHarness.Usings + source, GeneratorHarness.ParseOptions, old.FilePath));
    }

    [Fact]
    public void An_unrelated_edit_leaves_the_server_pipeline_cached()
    {
        GeneratorRunResult second = RunAgainAfter(c => Replace(c, 1, Unrelated.Replace("41", "42", StringComparison.Ordinal)));

        foreach (string step in new[] { PartisanServerGenerator.TrackingNames.Parse, PartisanServerGenerator.TrackingNames.Models })
        {
            Assert.All(second.TrackedSteps[step].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {o.Reason}"));
        }

        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output: {o.Reason}"));
    }

    [Fact]
    public void A_body_edit_re_parses_but_does_not_re_emit()
    {
        GeneratorRunResult second = RunAgainAfter(c => Replace(c, 0, Server.Replace("_items += quantity", "_items += quantity * 1", StringComparison.Ordinal)));

        Assert.All(second.TrackedSteps[PartisanServerGenerator.TrackingNames.Parse].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Unchanged, o.Reason));
        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output: {o.Reason}"));
    }

    [Fact]
    public void A_new_call_modifies_the_model()
    {
        GeneratorRunResult second = RunAgainAfter(c => Replace(c, 0, Server.Replace("[Cast] public void Clear()", "[Call] public int Count() => _items;\n[Cast] public void Clear()", StringComparison.Ordinal)));

        var model = (ServerModel)Assert.Single(second.TrackedSteps[PartisanServerGenerator.TrackingNames.Models].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified).Value;
        Assert.Equal(["Add", "Count", "Clear"], model.Handlers.Select(h => h.MethodName));
    }
}
