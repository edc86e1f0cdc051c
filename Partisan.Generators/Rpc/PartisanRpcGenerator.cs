using Microsoft.CodeAnalysis;
using Partisan.Generators.Helpers;
using Partisan.Generators.Rpc.Model;

namespace Partisan.Generators.Rpc;

/// <summary>
/// Writes, for every <c>[PartisanRpc]</c> interface, a static class beside it (<c>ICalculator</c> gives
/// <c>CalculatorRpc</c>) with a typed client stub over <c>Partisan.Rpc.Rpc</c>, a binding that registers an
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
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<Result<RpcInterfaceModel>> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(Parser.AttributeMetadataName, Parser.IsCandidate, Parser.Parse)
            .WithTrackingName(TrackingNames.Parse);

        // Source comes from the model alone, so code that only moves (changing diagnostic locations) does not re-emit.
        IncrementalValuesProvider<RpcInterfaceModel> models = parsed
            .Where(static result => result.Value is not null)
            .Select(static (result, _) => result.Value!)
            .WithTrackingName(TrackingNames.Models);
        context.RegisterSourceOutput(models, Emitter.Emit);

        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .Where(static list => !list.IsEmpty)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (spc, list) =>
        {
            foreach (DiagnosticInfo diagnostic in list)
            {
                spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });
    }
}
