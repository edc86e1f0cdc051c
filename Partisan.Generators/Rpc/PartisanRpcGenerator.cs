using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Partisan.Generators.Helpers;
using Partisan.Generators.Rpc.Model;

namespace Partisan.Generators.Rpc;

/// <summary>
/// Writes, for every <c>[PartisanRpc]</c> interface, a static class beside it (<c>ICalculator</c> gives
/// <c>CalculatorRpc</c>) with a typed client stub over <c>Partisan.Rpc</c>, a binding that registers an
/// implementation in <c>RpcFunctions</c>, and a module initializer that registers both with <c>RpcStubs</c>.
/// <see cref="Parser"/> turns symbols into equatable models, <see cref="Emitter"/> turns models into text.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class PartisanRpcGenerator : IIncrementalGenerator
{
    /// <summary>The names of the tracked pipeline steps, for incrementality tests.</summary>
    internal static class TrackingNames
    {
        public const string Parse = "PartisanRpc.Parse";
        public const string Models = "PartisanRpc.Models";
        public const string Diagnostics = "PartisanRpc.Diagnostics";
        public const string ClassNameDiagnostics = "PartisanRpc.ClassNameDiagnostics";
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<RpcParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(Parser.AttributeMetadataName, Parser.IsCandidate, Parser.Parse)
            .WithTrackingName(TrackingNames.Parse);

        // Source comes from the model alone, so code that only moves (changing diagnostic locations) does not re-emit.
        IncrementalValuesProvider<RpcInterfaceModel> models = parsed
            .Where(static result => result.Result.Value is not null)
            .Select(static (result, _) => result.Result.Value!)
            .WithTrackingName(TrackingNames.Models);
        context.RegisterSourceOutput(models, Emitter.Emit);

        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = parsed
            .Select(static (result, _) => result.Result.Diagnostics)
            .Where(static list => !list.IsEmpty)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, PipelineSteps.ReportAll);

        IncrementalValueProvider<EquatableArray<DiagnosticInfo>> classNameDiagnostics = parsed
            .Where(static result => result.Claim is not null)
            .Select(static (result, _) => result.Claim!)
            .Collect()
            .Select(static (claims, _) => FindDuplicateClassNames(claims))
            .WithTrackingName(TrackingNames.ClassNameDiagnostics);
        context.RegisterSourceOutput(classNameDiagnostics, PipelineSteps.ReportAll);
    }

    /// <summary>One PARTISAN027 per interface whose generated class another interface of the compilation would also get.</summary>
    internal static EquatableArray<DiagnosticInfo> FindDuplicateClassNames(ImmutableArray<RpcClassClaim> claims)
    {
        var sorted = new List<RpcClassClaim>(claims);
        sorted.Sort(static (a, b) => a.ClassName != b.ClassName ? string.CompareOrdinal(a.ClassName, b.ClassName) : string.CompareOrdinal(a.InterfaceName, b.InterfaceName));
        var result = new List<DiagnosticInfo>();
        for (int start = 0; start < sorted.Count;)
        {
            int end = start + 1;
            while (end < sorted.Count && sorted[end].ClassName == sorted[start].ClassName)
            {
                end++;
            }

            for (int i = start; end - start > 1 && i < end; i++)
            {
                RpcClassClaim other = sorted[i == start ? start + 1 : start];
                result.Add(DiagnosticInfo.Create(
                    Diagnostics.RpcDiagnostics.RpcClassNameTaken,
                    sorted[i].Location,
                    sorted[i].InterfaceName,
                    sorted[i].ClassName,
                    "is also generated for '" + other.InterfaceName + "'"));
            }

            start = end;
        }

        return result.ToEquatableArray();
    }
}
