using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Partisan.Generators.Messages;

namespace Partisan.Generators.Tests.Support;

/// <summary>Builds compilations against the running framework and Partisan.Runtime, and runs the generator over them.</summary>
public static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>Prepended to every test source.</summary>
    public const string Usings = "using System;\nusing System.Collections.Generic;\nusing Partisan;\n";

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var references = new List<MetadataReference>();
        foreach (string path in paths)
        {
            string name = Path.GetFileNameWithoutExtension(path);
            if (name.StartsWith("System.", StringComparison.Ordinal) || name is "System" or "mscorlib" or "netstandard" || name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal))
            {
                references.Add(MetadataReference.CreateFromFile(path));
            }
        }

        references.Add(MetadataReference.CreateFromFile(typeof(PartisanMessageAttribute).Assembly.Location));
        references.Add(MetadataReference.CreateFromFile(typeof(Partisan.GenServer).Assembly.Location));
        references.Add(MetadataReference.CreateFromFile(typeof(Partisan.Rpc).Assembly.Location));
        return references.ToImmutableArray();
    }

    public static CSharpCompilation CompileAssembly(string assemblyName, params string[] sources)
    {
        var trees = new List<SyntaxTree>();
        for (int i = 0; i < sources.Length; i++)
        {
            trees.Add(CSharpSyntaxTree.ParseText(Usings + sources[i], ParseOptions, path: $"/src/Source{i}.cs"));
        }

        return CSharpCompilation.Create(
            assemblyName,
            trees,
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: true,
                warningLevel: 9999,
                generalDiagnosticOption: ReportDiagnostic.Default));
    }

    public static CSharpCompilation Compile(params string[] sources) => CompileAssembly("TestAssembly", sources);

    /// <summary>Every generator of Partisan.Generators, as the compiler loads them from the analyzer assembly.</summary>
    public static ISourceGenerator[] AllGenerators() =>
        typeof(PartisanMessageGenerator).Assembly.GetTypes()
            .Where(t => t.GetCustomAttributes(typeof(GeneratorAttribute), inherit: false).Length > 0)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => ((IIncrementalGenerator)Activator.CreateInstance(t)!).AsSourceGenerator())
            .ToArray();

    public static GeneratorDriver CreateDriver(bool trackSteps = true) => CSharpGeneratorDriver.Create(
        AllGenerators(),
        parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator once: the result, and the compilation with the generated files added.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics) Run(Compilation compilation)
    {
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        return (driver.GetRunResult(), output, diagnostics);
    }

    /// <summary>Errors and warnings of <paramref name="compilation"/> (hidden and info diagnostics left out).</summary>
    public static ImmutableArray<Diagnostic> Problems(Compilation compilation) =>
        compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();

    /// <summary>Runs the generator over sources that must be clean: no generator diagnostics, and the output compiles without warnings.</summary>
    public static GeneratorDriverRunResult RunClean(params string[] sources)
    {
        Assert.Empty(Problems(Compile(sources)).Where(d => d.Severity == DiagnosticSeverity.Error));
        return RunOutputClean(sources);
    }

    /// <summary>
    /// Like <see cref="RunClean"/>, for sources that use members the generator adds (a state machine's
    /// <c>Next</c>/<c>Keep</c> helpers), so only the output must compile.
    /// </summary>
    public static GeneratorDriverRunResult RunOutputClean(params string[] sources)
    {
        CSharpCompilation input = Compile(sources);
        (GeneratorDriverRunResult result, Compilation output, ImmutableArray<Diagnostic> generatorDiagnostics) = Run(input);
        Assert.Empty(generatorDiagnostics);
        ImmutableArray<Diagnostic> problems = Problems(output);
        Assert.True(problems.IsEmpty, "Generated code does not compile cleanly:\n" + string.Join("\n", problems) + "\n\n" + AllGenerated(result));
        return result;
    }

    /// <summary>The result of the generator <typeparamref name="TGenerator"/> (the driver runs every generator of the assembly).</summary>
    public static GeneratorRunResult Of<TGenerator>(this GeneratorDriverRunResult result)
        where TGenerator : IIncrementalGenerator =>
        result.Results.Single(r => r.Generator.GetGeneratorType() == typeof(TGenerator));

    public static string AllGenerated(GeneratorDriverRunResult result) =>
        string.Join("\n", result.Results.SelectMany(r => r.GeneratedSources).Select(s => "==== " + s.HintName + "\n" + s.SourceText));
}
