using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Partisan.Generators.Helpers;
using Partisan.Generators.StateMachines.Model;

namespace Partisan.Generators.StateMachines;

/// <summary>
/// Writes, for every <c>[PartisanStateMachine]</c> class: an event message per call and cast event (with its wire
/// formatter and registration), the <c>IGenStatem</c> implementation that dispatches events to the handlers with a
/// switch, transition helpers, start helpers and a typed client. <see cref="Parser"/> turns symbols into an
/// equatable model; <see cref="Emitter"/> turns the model into text.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class PartisanStateMachineGenerator : IIncrementalGenerator
{
    /// <summary>The names of the tracked pipeline steps, for incrementality tests.</summary>
    internal static class TrackingNames
    {
        public const string Parse = "PartisanStateMachine.Parse";
        public const string Models = "PartisanStateMachine.Models";
        public const string Diagnostics = "PartisanStateMachine.Diagnostics";
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<Result<StateMachineModel>> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(Parser.AttributeMetadataName, static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax, Parser.Parse)
            .WithTrackingName(TrackingNames.Parse);

        context.EmitModelsAndReport(parsed, Emitter.Emit, TrackingNames.Models, TrackingNames.Diagnostics);
    }
}
