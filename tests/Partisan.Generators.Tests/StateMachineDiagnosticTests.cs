using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Partisan.Generators.Tests.Support;

namespace Partisan.Generators.Tests;

/// <summary>
/// One test per diagnostic the [PartisanStateMachine] generator reports: the id and the span, marked in the source as
/// <c>{|PARTISAN030:text|}</c>. The sources compile before generation (they do not use the generated helpers).
/// </summary>
public class StateMachineDiagnosticTests
{
    private const string Header = """

        namespace N;

        public enum S { Locked, Open }

        public enum Other { X }

        """;

    [Fact]
    public void PARTISAN010_StateMachineAndContainingTypesMustBePartial() => Verify(Header + """
        [PartisanStateMachine(typeof(S))]
        public class {|PARTISAN010:Lock|}
        {
            [Init] private S Init() => S.Locked;
        }

        public class {|PARTISAN010:Outer|}
        {
            [PartisanStateMachine(typeof(S))]
            public partial class Inner
            {
                [Init] private S Init() => S.Locked;
            }
        }
        """);

    [Fact]
    public void PARTISAN011_StaticGenericAndNonEnumStatesAreNotSupported() => Verify(Header + """
        [PartisanStateMachine(typeof(S))]
        public static partial class {|PARTISAN011:Helpers|}
        {
        }

        [PartisanStateMachine(typeof(S))]
        public partial class {|PARTISAN011:Box|}<T>
        {
            [Init] private S Init() => S.Locked;
        }

        [PartisanStateMachine({|PARTISAN011:typeof(string)|})]
        public partial class Words
        {
        }

        public enum Twice { A = 1, B = 1 }

        [PartisanStateMachine({|PARTISAN011:typeof(Twice)|})]
        public partial class Same
        {
            [Init] private Twice Init() => Twice.A;
        }
        """);

    [Fact]
    public void PARTISAN012_CallHandlerReturnsVoid() => Verify(Header + """
        [PartisanStateMachine(typeof(S))]
        public partial class Lock
        {
            [Init] private S Init() => S.Locked;

            [Call, AnyState] private void {|PARTISAN012:Ask|}() { }
        }
        """);

    [Fact]
    public void PARTISAN013_EventParameterOrReplyCannotBeSent() => Verify(Header + """
        [PartisanStateMachine(typeof(S))]
        public partial class Lock
        {
            [Init] private S Init() => S.Locked;

            [Cast, AnyState] private void Run(Action {|PARTISAN013:callback|}) { }

            [Call, AnyState] private {|PARTISAN013:System.IO.Stream|} Open() => System.IO.Stream.Null;
        }
        """);

    [Fact]
    public void PARTISAN014_CastHandlerReturnsAValue() => Verify(Header + """
        [PartisanStateMachine(typeof(S))]
        public partial class Lock
        {
            [Init] private S Init() => S.Locked;

            [Cast, AnyState] private int {|PARTISAN014:Press|}(int digit) => digit;
        }
        """);

    [Fact]
    public void PARTISAN015_HandlerWithAWrongSignature() => Verify(Header + """
        [PartisanStateMachine(typeof(S), StateEnter = true)]
        public partial class Lock
        {
            [Init] private S Init() => S.Locked;

            [Init] private S {|PARTISAN015:Init2|}() => S.Open;

            [Cast, AnyState] private static void {|PARTISAN015:Shared|}() { }

            [Cast, AnyState] private void {|PARTISAN015:Generic|}<T>(int x) { }

            [Cast, AnyState] private void {|PARTISAN015:ByRef|}(ref int x) { }

            [Enter] private int {|PARTISAN015:Locked|}() => 1;

            [Info, AnyState] private void {|PARTISAN015:Two|}(string a, string b) { }

            [Call, Cast, AnyState] private int {|PARTISAN015:Both|}() => 1;

            [StateTimeout] private Transition<Other> {|PARTISAN015:Open|}() => default;

            [Terminate] private int {|PARTISAN015:Terminate|}() => 0;

            [Cast, AnyState] private void {|PARTISAN015:Hold|}(Caller<int> caller) { }

            [Call, AnyState] private int {|PARTISAN015:Twice|}(Caller<int> caller) => 1;

            [Cast, AnyState] private void {|PARTISAN015:Node|}() { }

            [Call, AnyState] private int {|PARTISAN015:Stop|}() => 0;
        }
        """);

    [Fact]
    public void PARTISAN016_BehavioursNotReferenced()
    {
        const string markup = """
            namespace N;

            public enum S { Locked }

            [PartisanStateMachine(typeof(S))]
            public partial class {|PARTISAN016:Lock|}
            {
                [Init] private S Init() => S.Locked;
            }
            """;
        (string source, List<(string Id, TextSpan Span)> expected) = Markup.Parse(markup, GeneratorHarness.Usings.Length);
        CSharpCompilation input = GeneratorHarness.Compile(source);
        input = input.RemoveReferences(input.References.Where(r => r.Display?.EndsWith("Partisan.Behaviours.dll", StringComparison.Ordinal) == true));
        Assert.Empty(input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Diagnostic diagnostic = Assert.Single(GeneratorHarness.Run(input).GeneratorDiagnostics);
        Assert.Equal(("PARTISAN016", Assert.Single(expected).Span), (diagnostic.Id, diagnostic.Location.SourceSpan));
        Assert.Contains("Partisan.Behaviours", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void PARTISAN030_HandlerForAnUnknownState() => Verify(Header + """
        [PartisanStateMachine(typeof(S))]
        public partial class Lock
        {
            [Init] private S Init() => S.Locked;

            [Cast, Event("Button")] private void {|PARTISAN030:Closed|}(char digit) { }

            [StateTimeout, InState({|PARTISAN030:Other.X|})] private void Expired() { }
        }
        """);

    [Fact]
    public void PARTISAN031_SameEventHandledTwiceInOneState() => Verify(Header + """
        [PartisanStateMachine(typeof(S))]
        public partial class Lock
        {
            [Init] private S Init() => S.Locked;

            [Cast, Event("Button")] private void Locked(char digit) { }

            [Cast, Event("Button"), InState(S.Open), InState(S.Locked)] private void {|PARTISAN031:Pressed|}(char digit) { }

            [StateTimeout, AnyState] private void Expired() { }

            [StateTimeout, AnyState] private void {|PARTISAN031:AlsoExpired|}(object? content) { }
        }
        """);

    [Fact]
    public void PARTISAN032_NoInitialState() => Verify(Header + """
        [PartisanStateMachine(typeof(S))]
        public partial class {|PARTISAN032:Lock|}
        {
            [Cast, AnyState] private void Press() { }
        }
        """);

    [Fact]
    public void PARTISAN033_HandlerNamedAfterItsStateMustNameItsEvent() => Verify(Header + """
        [PartisanStateMachine(typeof(S))]
        public partial class Lock
        {
            [Init] private S Init() => S.Locked;

            [Cast] private void {|PARTISAN033:Locked|}(char digit) { }
        }
        """);

    [Fact]
    public void PARTISAN034_HandlersOfOneEventDisagree() => Verify(Header + """
        [PartisanStateMachine(typeof(S))]
        public partial class Lock
        {
            [Init] private S Init() => S.Locked;

            [Cast, Event("Button")] private void Locked(char digit) { }

            [Call, Event("Button")] private int {|PARTISAN034:Open|}(char digit) => 0;

            [Cast, Event("Reset")] private void Locked() { }

            [Cast, Event("Reset")] private void {|PARTISAN034:Open|}(int code) { }

            [Call, Event("Size"), InState(S.Locked)] private int Small() => 1;

            [Call, Event("Size"), InState(S.Open)] private string {|PARTISAN034:Large|}() => "large";
        }
        """);

    [Fact]
    public void PARTISAN035_CallEventThatNeverReplies() => Verify(Header + """
        [PartisanStateMachine(typeof(S))]
        public partial class Lock
        {
            [Init] private S Init() => S.Locked;

            [Call, AnyState] private Transition<S> {|PARTISAN035:Wait|}() => Transition<S>.Keep().Postpone();
        }
        """);

    [Fact]
    public void PARTISAN036_EnterHandlerWithoutStateEnter() => Verify(Header + """
        [PartisanStateMachine(typeof(S))]
        public partial class Lock
        {
            [Init] private S Init() => S.Locked;

            [Enter] private void {|PARTISAN036:Locked|}() { }
        }
        """);

    [Fact]
    public void A_valid_machine_reports_nothing_and_its_output_compiles_without_warnings()
    {
        GeneratorDriverRunResult result = GeneratorHarness.RunOutputClean(StateMachineSources.CodeLock, StateMachineSources.PushButton);
        Assert.Equal(4, result.Results.SelectMany(r => r.GeneratedSources).Count(s => s.HintName.StartsWith("Locks.", StringComparison.Ordinal) || s.HintName.StartsWith("Buttons.", StringComparison.Ordinal)));
    }

    /// <summary>The generator reports exactly the marked diagnostics, at the marked spans, and nothing is generated for the failing machine.</summary>
    private static void Verify(string markup)
    {
        (string source, List<(string Id, TextSpan Span)> expected) = Markup.Parse(markup, GeneratorHarness.Usings.Length);
        Compilation input = GeneratorHarness.Compile(source);
        Assert.Empty(input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        (GeneratorDriverRunResult result, _, ImmutableArray<Diagnostic> diagnostics) = GeneratorHarness.Run(input);
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        foreach (Diagnostic diagnostic in diagnostics)
        {
            Assert.Equal("/src/Source0.cs", diagnostic.Location.GetLineSpan().Path);
            Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
            Assert.Equal("docs/diagnostics.md#" + diagnostic.Id.ToLowerInvariant(), diagnostic.Descriptor.HelpLinkUri);
        }

        var actual = diagnostics.Select(d => (d.Id, Span: d.Location.SourceSpan)).OrderBy(d => d.Span.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
        var wanted = expected.OrderBy(d => d.Span.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
        Assert.True(
            wanted.SequenceEqual(actual),
            "Expected:\n" + string.Join("\n", wanted.Select(w => $"{w.Id} {w.Span} '{Text(source, w.Span)}'")) +
            "\nActual:\n" + string.Join("\n", diagnostics.Select(d => $"{d.Id} {d.Location.SourceSpan} '{Text(source, d.Location.SourceSpan)}': {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")));
    }

    private static string Text(string source, TextSpan span)
    {
        int start = span.Start - GeneratorHarness.Usings.Length;
        return start < 0 || start + span.Length > source.Length ? "?" : source.Substring(start, span.Length);
    }
}
