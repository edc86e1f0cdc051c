using Microsoft.CodeAnalysis;
using Partisan.Generators.Helpers;
using Partisan.Generators.Server.Model;

namespace Partisan.Generators.Server;

/// <summary>
/// Makes every <c>[PartisanServer]</c> partial class an OTP gen_server: request messages with formatters for its
/// <c>[Call]</c> and <c>[Cast]</c> methods, an <c>IGenServer</c> dispatch with no run-time reflection, start helpers,
/// and a typed client (<c>CounterClient</c>). <see cref="Parser"/> makes equatable models; <see cref="Emitter"/> writes them.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class PartisanServerGenerator : IIncrementalGenerator
{
    /// <summary>The names of the tracked pipeline steps, for incrementality tests.</summary>
    internal static class TrackingNames
    {
        public const string Parse = "PartisanServer.Parse";
        public const string Models = "PartisanServer.Models";
        public const string Diagnostics = "PartisanServer.Diagnostics";
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<Result<ServerModel>> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(Parser.AttributeMetadataName, Parser.IsCandidate, Parser.Parse)
            .WithTrackingName(TrackingNames.Parse);

        context.EmitModelsAndReport(parsed, Emitter.Emit, TrackingNames.Models, TrackingNames.Diagnostics);
    }
}
