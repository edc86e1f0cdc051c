using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Partisan.Generators.Tests.Support;
using Partisan.Serialization;

namespace Partisan.Generators.Tests;

/// <summary>One test per diagnostic: the id and the span, marked in the source as <c>{|PARTISAN00x:text|}</c>.</summary>
public class DiagnosticTests
{
    [Fact]
    public void PARTISAN001_GenericMessageNotSupported() => Verify("""
        namespace N;

        [PartisanMessage]
        public sealed record {|PARTISAN001:Box|}<T>(T Value);

        public class Outer<T>
        {
            [PartisanMessage]
            public sealed record {|PARTISAN001:Inner|}(int X);
        }
        """);

    [Fact]
    public void PARTISAN002_MessageMustBeAccessibleToGeneratedCode() => Verify("""
        namespace N;

        public class Outer
        {
            [PartisanMessage]
            private sealed record {|PARTISAN002:Secret|}(int X);

            protected class Family
            {
                [PartisanMessage]
                public sealed record {|PARTISAN002:Hidden|}(int X);
            }
        }
        """);

    [Fact]
    public void PARTISAN003_AbstractStaticAndRefStructCannotBeMessages() => Verify("""
        namespace N;

        [PartisanMessage]
        public abstract record {|PARTISAN003:Base|}(int X);

        [PartisanMessage]
        public static class {|PARTISAN003:Helpers|}
        {
        }

        [PartisanMessage]
        public ref struct {|PARTISAN003:Span|}
        {
            public int X;
        }
        """);

    [Fact]
    public void PARTISAN004_MemberTypeHasNoFormatter() => Verify("""
        namespace N;

        [PartisanMessage]
        public sealed class Bad
        {
            public System.IO.MemoryStream? {|PARTISAN004:Stream|} { get; set; }

            public System.Threading.Tasks.Task<int>? {|PARTISAN004:Pending|} { get; set; }

            public Action? {|PARTISAN004:Callback|};

            public IReadOnlyList<int>? {|PARTISAN004:Items|} { get; set; }

            public List<System.IO.Stream>? {|PARTISAN004:Streams|} { get; set; }

            public int[,]? {|PARTISAN004:Grid|} { get; set; }

            public System.Threading.CancellationToken {|PARTISAN004:Token|} { get; set; }

            public nint {|PARTISAN004:Handle|} { get; set; }

            public unsafe int* {|PARTISAN004:Pointer|};

            public dynamic? {|PARTISAN004:Anything|} { get; set; }

            public Type? {|PARTISAN004:Kind|} { get; set; }

            public System.Threading.Tasks.Task<int> Computed => System.Threading.Tasks.Task.FromResult(1);
        }

        [PartisanMessage]
        public sealed record Positional(int Fine, System.IO.Stream {|PARTISAN004:Body|});
        """);

    [Fact]
    public void PARTISAN004_message_mentions_the_member_type_and_the_reason()
    {
        Diagnostic diagnostic = Assert.Single(Run("""
            [PartisanMessage]
            public sealed record Upload(System.IO.Stream Body);
            """));
        Assert.Equal("Member 'Body' of 'Upload' has type 'System.IO.Stream', which has no wire formatter: streams cannot be sent; send byte[] or ReadOnlyMemory<byte>", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("docs/diagnostics.md#partisan004", diagnostic.Descriptor.HelpLinkUri);
    }

    [Fact]
    public void PARTISAN005_NoUsableConstructor() => Verify("""
        namespace N;

        [PartisanMessage]
        public sealed class {|PARTISAN005:Reading|}
        {
            public Reading(int unrelated) => Value = unrelated;

            public int Value { get; set; }
        }

        [PartisanMessage]
        public sealed class {|PARTISAN005:Hidden|}
        {
            private Hidden()
            {
            }

            public int Value { get; set; }
        }
        """);

    [Fact]
    public void PARTISAN006_MemberNotSettable() => Verify("""
        namespace N;

        [PartisanMessage]
        public sealed class Settings
        {
            public int {|PARTISAN006:Version|} { get; } = 1;

            public readonly string {|PARTISAN006:Name|} = "x";

            public int {|PARTISAN006:Size|} { get; private set; }

            public int Fine { get; set; }
        }
        """);

    [Fact]
    public void PARTISAN007_ReservedTypeId() => Verify("""
        namespace N;

        [PartisanMessage({|PARTISAN007:TypeId = 42|})]
        public sealed record Low(int X);

        [PartisanMessage(TypeId = 0)]
        public sealed record DefaultIsFine(int X);

        [PartisanMessage(TypeId = 1000)]
        public sealed record FirstUserIsFine(int X);
        """);

    [Fact]
    public void PARTISAN008_DuplicateTypeId()
    {
        uint defaultIdOfOther = WireTypeIds.StableHash("N.Other");
        Verify($$"""
            namespace N;

            [PartisanMessage({|PARTISAN008:TypeId = 5000|})]
            public sealed record First(int X);

            [PartisanMessage({|PARTISAN008:TypeId = 5000|})]
            public sealed record Second(int X);

            [PartisanMessage({|PARTISAN008:TypeId = {{defaultIdOfOther}}|})]
            public sealed record Squatter(int X);

            [PartisanMessage]
            public sealed record {|PARTISAN008:Other|}(int X);

            [PartisanMessage(TypeId = 5001)]
            public sealed record Unique(int X);
            """);
    }

    [Fact]
    public void A_type_with_errors_gets_no_formatter_and_the_others_still_do()
    {
        CSharpCompilationRun run = RunAll("""
            namespace N;

            [PartisanMessage]
            public sealed record Good(int X);

            [PartisanMessage]
            public sealed record Bad(System.IO.Stream Body);
            """);
        Assert.Equal(["N.Good.PartisanFormatter.g.cs", "PartisanGenerated.Registrations.g.cs"], run.HintNames);
        Assert.Equal("PARTISAN004", Assert.Single(run.Diagnostics).Id);
        Assert.Empty(GeneratorHarness.Problems(run.Output).Where(d => d.Id != "PARTISAN004"));
    }

    private sealed record CSharpCompilationRun(ImmutableArray<Diagnostic> Diagnostics, Compilation Output, IReadOnlyList<string> HintNames);

    private static CSharpCompilationRun RunAll(string source)
    {
        var (result, output, diagnostics) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        var hints = result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).OrderBy(h => h, StringComparer.Ordinal).ToList();
        return new CSharpCompilationRun(diagnostics, output, hints);
    }

    private static ImmutableArray<Diagnostic> Run(string source) => RunAll(source).Diagnostics;

    /// <summary>The generator reports exactly the marked diagnostics, at the marked spans, in the test source file.</summary>
    private static void Verify(string markup)
    {
        (string source, List<(string Id, TextSpan Span)> expected) = Markup.Parse(markup, GeneratorHarness.Usings.Length);
        Compilation input = GeneratorHarness.Compile(source);
        Assert.Empty(input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        ImmutableArray<Diagnostic> diagnostics = Run(source);
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
