using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Partisan.Generators.Helpers;
using Partisan.Generators.Messages.Model;

namespace Partisan.Generators.Messages;

/// <summary>
/// Writes a wire formatter for every <c>[PartisanMessage]</c> type and one module initializer per
/// assembly that registers them. Discovery, parsing and emission are split: <see cref="Parser"/>
/// turns symbols into equatable models, <see cref="Emitter"/> turns models into text.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class PartisanMessageGenerator : IIncrementalGenerator
{
    /// <summary>The names of the tracked pipeline steps, for incrementality tests.</summary>
    internal static class TrackingNames
    {
        public const string Parse = "PartisanMessage.Parse";
        public const string Models = "PartisanMessage.Models";
        public const string Diagnostics = "PartisanMessage.Diagnostics";
        public const string TypeIdDiagnostics = "PartisanMessage.TypeIdDiagnostics";
        public const string Registrations = "PartisanMessage.Registrations";
        public const string RegistrationNamespace = "PartisanMessage.RegistrationNamespace";
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<MessageParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(Parser.AttributeMetadataName, Parser.IsCandidate, Parser.Parse)
            .WithTrackingName(TrackingNames.Parse);

        // Source comes from the model alone, so code that only moves (changing locations) does not re-emit.
        IncrementalValuesProvider<MessageModel> models = parsed
            .Where(static result => result.Result.Value is not null)
            .Select(static (result, _) => result.Result.Value!)
            .WithTrackingName(TrackingNames.Models);
        context.RegisterSourceOutput(models, Emitter.EmitFormatter);

        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = parsed
            .Select(static (result, _) => result.Result.Diagnostics)
            .Where(static list => !list.IsEmpty)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, PipelineSteps.ReportAll);

        IncrementalValueProvider<EquatableArray<DiagnosticInfo>> typeIdDiagnostics = parsed
            .Where(static result => result.Claim is not null)
            .Select(static (result, _) => result.Claim!)
            .Collect()
            .Select(static (claims, _) => FindDuplicateTypeIds(claims))
            .WithTrackingName(TrackingNames.TypeIdDiagnostics);
        context.RegisterSourceOutput(typeIdDiagnostics, PipelineSteps.ReportAll);

        IncrementalValueProvider<string> registrationNamespace = context.CompilationProvider
            .Select(static (compilation, _) => RegistrationNamespace(compilation.AssemblyName))
            .WithTrackingName(TrackingNames.RegistrationNamespace);
        IncrementalValueProvider<EquatableArray<RegistrationModel>> registrations = models
            .Select(static (model, _) => new RegistrationModel(model.FullyQualifiedName, model.FormatterFullName, model.TypeId))
            .Collect()
            .Select(static (list, _) => SortRegistrations(list))
            .WithTrackingName(TrackingNames.Registrations);
        context.RegisterSourceOutput(registrations.Combine(registrationNamespace), Emitter.EmitRegistrations);
    }

    /// <summary>Sorted by type name (ordinal), so the output does not depend on discovery order.</summary>
    private static EquatableArray<RegistrationModel> SortRegistrations(ImmutableArray<RegistrationModel> list)
    {
        var sorted = new List<RegistrationModel>(list);
        sorted.Sort(static (a, b) => string.CompareOrdinal(a.TypeName, b.TypeName));
        return sorted.ToEquatableArray();
    }

    /// <summary>One PARTISAN008 per message whose id (explicit or default) another message of the compilation also has.</summary>
    internal static EquatableArray<DiagnosticInfo> FindDuplicateTypeIds(ImmutableArray<TypeIdClaim> claims)
    {
        var sorted = new List<TypeIdClaim>(claims);
        sorted.Sort(static (a, b) => a.Id != b.Id ? a.Id.CompareTo(b.Id) : string.CompareOrdinal(a.TypeName, b.TypeName));
        var result = new List<DiagnosticInfo>();
        for (int start = 0; start < sorted.Count;)
        {
            int end = start + 1;
            while (end < sorted.Count && sorted[end].Id == sorted[start].Id)
            {
                end++;
            }

            if (end - start > 1)
            {
                for (int i = start; i < end; i++)
                {
                    TypeIdClaim other = sorted[i == start ? start + 1 : start];
                    result.Add(DiagnosticInfo.Create(
                        Diagnostics.DiagnosticDescriptors.DuplicateTypeId,
                        sorted[i].Location,
                        sorted[i].Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        sorted[i].TypeName,
                        other.TypeName));
                }
            }

            start = end;
        }

        return result.ToEquatableArray();
    }

    /// <summary>The namespace of the registration class: the assembly name made a valid namespace (so two assemblies never clash).</summary>
    internal static string RegistrationNamespace(string? assemblyName)
    {
        if (string.IsNullOrEmpty(assemblyName))
        {
            return "PartisanGenerated";
        }

        string[] parts = assemblyName!.Split('.');
        for (int i = 0; i < parts.Length; i++)
        {
            var part = new System.Text.StringBuilder(parts[i].Length + 1);
            foreach (char c in parts[i])
            {
                part.Append(char.IsLetterOrDigit(c) || c == '_' ? c : '_');
            }

            if (part.Length == 0 || char.IsDigit(part[0]))
            {
                part.Insert(0, '_');
            }

            parts[i] = SymbolExtensions.EscapeIdentifier(part.ToString());
        }

        return string.Join(".", parts);
    }
}
