using System;
using Microsoft.CodeAnalysis;

namespace Partisan.Generators.Helpers;

/// <summary>The pipeline steps every Partisan generator shares.</summary>
internal static class PipelineSteps
{
    /// <summary>Reports every diagnostic of <paramref name="diagnostics"/> (a source output callback).</summary>
    public static void ReportAll(SourceProductionContext context, EquatableArray<DiagnosticInfo> diagnostics)
    {
        foreach (DiagnosticInfo diagnostic in diagnostics)
        {
            context.ReportDiagnostic(diagnostic.ToDiagnostic());
        }
    }

    /// <summary>
    /// Splits parse results into models, emitted by <paramref name="emit"/>, and diagnostics, reported; both steps are
    /// tracked under the names given. Source comes from the model alone, so code that only moves does not re-emit.
    /// </summary>
    public static void EmitModelsAndReport<T>(
        this IncrementalGeneratorInitializationContext context,
        IncrementalValuesProvider<Result<T>> parsed,
        Action<SourceProductionContext, T> emit,
        string modelsStep,
        string diagnosticsStep)
        where T : class, IEquatable<T>
    {
        IncrementalValuesProvider<T> models = parsed
            .Where(static result => result.Value is not null)
            .Select(static (result, _) => result.Value!)
            .WithTrackingName(modelsStep);
        context.RegisterSourceOutput(models, emit);

        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .Where(static list => !list.IsEmpty)
            .WithTrackingName(diagnosticsStep);
        context.RegisterSourceOutput(diagnostics, ReportAll);
    }
}
