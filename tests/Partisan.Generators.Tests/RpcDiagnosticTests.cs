using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Partisan.Generators.Tests.Support;

namespace Partisan.Generators.Tests;

/// <summary>One test per [PartisanRpc] diagnostic: the id and the span, marked in the source as <c>{|PARTISAN02x:text|}</c>.</summary>
public class RpcDiagnosticTests
{
    private const string Usings = "using System.Threading;\nusing System.Threading.Tasks;\n";

    [Fact]
    public void PARTISAN020_GenericRpcInterfaceNotSupported() => Verify("""
        namespace N;

        [PartisanRpc]
        public interface {|PARTISAN020:IStore|}<T>
        {
            Task<int> CountAsync();
        }

        public class Outer<T>
        {
            [PartisanRpc]
            public interface {|PARTISAN020:IInner|}
            {
                Task<int> CountAsync();
            }
        }
        """);

    [Fact]
    public void PARTISAN021_RpcInterfaceMustBeAccessibleToGeneratedCode() => Verify("""
        namespace N;

        public class Outer
        {
            [PartisanRpc]
            private interface {|PARTISAN021:ISecret|}
            {
                Task<int> CountAsync();
            }

            protected class Family
            {
                [PartisanRpc]
                public interface {|PARTISAN021:IHidden|}
                {
                    Task<int> CountAsync();
                }
            }
        }
        """);

    [Fact]
    public void PARTISAN022_ReturnTypeMustBeATaskOrVoid() => Verify("""
        namespace N;

        [PartisanRpc]
        public interface ICalculator
        {
            {|PARTISAN022:int|} Add(int a, int b);

            {|PARTISAN022:IAsyncEnumerable<int>|} CountAsync();

            {|PARTISAN022:ref int|} Slot();

            Task<int> GoodAsync();
        }
        """);

    [Fact]
    public void PARTISAN023_GenericRpcMethodNotSupported() => Verify("""
        namespace N;

        [PartisanRpc]
        public interface IStore
        {
            Task<T> {|PARTISAN023:GetAsync|}<T>(string key);

            Task {|PARTISAN023:PutAsync|}<T>(string key, T value) where T : class;
        }
        """);

    [Fact]
    public void PARTISAN024_ParametersArePassedByValue() => Verify("""
        namespace N;

        [PartisanRpc]
        public interface IStore
        {
            Task<int> FirstAsync(ref int {|PARTISAN024:position|});

            void Read(out int {|PARTISAN024:value|}, int fine);

            Task<int> SumAsync(in long {|PARTISAN024:big|}, ref readonly long {|PARTISAN024:other|});
        }
        """);

    [Fact]
    public void PARTISAN025_OverloadedRpcMethods() => Verify("""
        namespace N;

        public interface IBase
        {
            Task<string> {|PARTISAN025:NameAsync|}();
        }

        [PartisanRpc]
        public interface ICalculator : IBase
        {
            Task<int> {|PARTISAN025:AddAsync|}(int a, int b);

            Task<long> {|PARTISAN025:AddAsync|}(long a, long b);

            Task<string> {|PARTISAN025:NameAsync|}(int id);

            Task<int> SubtractAsync(int a, int b);
        }
        """);

    [Fact]
    public void PARTISAN026_RpcInterfacesHaveInstanceMethodsOnly() => Verify("""
        namespace N;

        [PartisanRpc]
        public interface IThing
        {
            int {|PARTISAN026:Count|} { get; }

            event Action? {|PARTISAN026:Changed|};

            string {|PARTISAN026:this|}[int index] { get; }

            static abstract Task {|PARTISAN026:CreateAsync|}();

            // Ignored: a default implementation runs on the stub, and a static helper is not a function.
            Task<int> TwiceAsync(int x) => Task.FromResult(2 * x);

            static int Helper() => 1;

            Task<int> GoodAsync();
        }
        """);

    [Fact]
    public void PARTISAN027_GeneratedClassNameIsTaken() => Verify(
        """
        namespace N
        {
            [PartisanRpc]
            public interface {|PARTISAN027:ICalculator|}
            {
                Task<int> AddAsync(int a, int b);
            }

            [PartisanRpc]
            public interface {|PARTISAN027:Calculator|}
            {
                Task<int> SubtractAsync(int a, int b);
            }

            [PartisanRpc]
            public interface {|PARTISAN027:IClock|}
            {
                Task<DateTime> NowAsync();
            }

            public static class ClockRpc
            {
            }

            [PartisanRpc]
            public interface IFine
            {
                Task<int> OkAsync();
            }
        }
        """,
        stubsExpected: ["N.Calculator.PartisanRpc.g.cs", "N.ICalculator.PartisanRpc.g.cs", "N.IFine.PartisanRpc.g.cs"]);

    [Fact]
    public void PARTISAN013_RpcParameterOrResultCannotBeSent() => Verify("""
        namespace N;

        [PartisanRpc]
        public interface IFiles
        {
            Task<int> UploadAsync(System.IO.Stream {|PARTISAN013:body|}, string name);

            void Subscribe(Action<string> {|PARTISAN013:callback|});

            {|PARTISAN013:Task<Task<int>>|} NestedAsync();

            {|PARTISAN013:ValueTask<IReadOnlyList<int>>|} ListAsync(int[,] {|PARTISAN013:grid|});
        }
        """);

    [Fact]
    public void PARTISAN015_MoreThanOneCancellationToken() => Verify("""
        namespace N;

        [PartisanRpc]
        public interface ISlow
        {
            Task<int> WaitAsync(int ms, CancellationToken first, CancellationToken {|PARTISAN015:second|});

            Task<int> FineAsync(CancellationToken cancellationToken, int ms);
        }
        """);

    [Fact]
    public void PARTISAN016_PartisanRpcNotReferenced()
    {
        const string Markup = """
            namespace N;

            [PartisanRpc]
            public interface {|PARTISAN016:ICalculator|}
            {
                Task<int> AddAsync(int a, int b);
            }
            """;
        Verify(Markup, compilation => compilation.WithReferences(compilation.References.Where(r => !(r.Display ?? string.Empty).EndsWith("Partisan.Rpc.dll", StringComparison.Ordinal))));
    }

    [Fact]
    public void Every_rpc_diagnostic_message_names_the_problem()
    {
        ImmutableArray<Diagnostic> diagnostics = Run(Usings + """
            namespace N;

            [PartisanRpc]
            public interface ICalculator
            {
                int Add(int a, int b);

                void Read(out int value);

                Task<int> UploadAsync(System.IO.Stream body);
            }
            """, c => c);

        Assert.Equal(
            [
                "The RPC method 'N.ICalculator.Add' returns 'int': return Task, Task<T>, ValueTask or ValueTask<T> to wait for the call, or void to cast",
                "Parameter 'value' of the RPC method 'N.ICalculator.Read' is passed by reference (out); arguments are copied to another node, so pass them by value",
                "Parameter 'body' of 'N.ICalculator.UploadAsync' has type 'System.IO.Stream', which has no wire formatter: streams cannot be sent; send byte[] or ReadOnlyMemory<byte>",
            ],
            diagnostics.OrderBy(d => d.Location.SourceSpan.Start).Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(diagnostics, d => Assert.Equal("docs/diagnostics.md#" + d.Id.ToLowerInvariant(), d.Descriptor.HelpLinkUri));
    }

    private static ImmutableArray<Diagnostic> Run(string source, Func<CSharpCompilation, CSharpCompilation> configure, string[]? stubsExpected = null)
    {
        CSharpCompilation input = configure(GeneratorHarness.Compile(source));
        Assert.Empty(input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        (GeneratorDriverRunResult result, _, ImmutableArray<Diagnostic> diagnostics) = GeneratorHarness.Run(input);
        Assert.All(result.Results, r => Assert.Null(r.Exception));

        // An interface in error gets no stub (the build fails on the diagnostics instead), except for PARTISAN027: the
        // clashing classes are generated, and the compiler reports them as duplicates too.
        Assert.Equal(
            stubsExpected ?? [],
            result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).Where(h => h.EndsWith(".PartisanRpc.g.cs", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        return diagnostics;
    }

    /// <summary>The generators report exactly the marked diagnostics, at the marked spans, in the test source file.</summary>
    private static void Verify(string markup, Func<CSharpCompilation, CSharpCompilation>? configure = null, string[]? stubsExpected = null)
    {
        (string source, List<(string Id, TextSpan Span)> expected) = Markup.Parse(Usings + markup, GeneratorHarness.Usings.Length);
        ImmutableArray<Diagnostic> diagnostics = Run(source, configure ?? (c => c), stubsExpected);
        foreach (Diagnostic diagnostic in diagnostics)
        {
            Assert.Equal("/src/Source0.cs", diagnostic.Location.GetLineSpan().Path);
            Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        }

        var actual = diagnostics.Select(d => (d.Id, d.Location.SourceSpan)).OrderBy(d => d.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
        var wanted = expected.OrderBy(d => d.Span.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
        Assert.True(
            wanted.SequenceEqual(actual),
            "Expected:\n" + Describe(source, wanted) + "\nActual:\n" + string.Join("\n", diagnostics.Select(d => $"{d.Id} {d.Location.SourceSpan} '{Text(source, d.Location.SourceSpan)}': {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")));
    }

    private static string Text(string source, TextSpan span)
    {
        int start = span.Start - GeneratorHarness.Usings.Length;
        return start < 0 || start + span.Length > source.Length ? "?" : source.Substring(start, span.Length);
    }

    private static string Describe(string source, IEnumerable<(string Id, TextSpan Span)> items) =>
        string.Join("\n", items.Select(i => $"{i.Id} {i.Span} '{Text(source, i.Span)}'"));
}
