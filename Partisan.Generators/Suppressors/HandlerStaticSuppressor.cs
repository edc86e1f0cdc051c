using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Partisan.Generators.Suppressors;

/// <summary>
/// Suppresses CA1822 ("mark members as static") on handler methods of generated behaviours ([Call], [Cast], [Info],
/// [Init], [Terminate] and the state machine handler attributes): the generated dispatch calls them on the instance,
/// and making them static would be a compile error reported by the generator.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HandlerStaticSuppressor : DiagnosticSuppressor
{
    private static readonly SuppressionDescriptor Rule = new(
        "PARTISANSPR001",
        "CA1822",
        "Partisan handler methods run on the server's instance: the generated dispatch calls them, so they stay instance methods.");

    /// <inheritdoc />
    public override ImmutableArray<SuppressionDescriptor> SupportedSuppressions => ImmutableArray.Create(Rule);

    /// <inheritdoc />
    public override void ReportSuppressions(SuppressionAnalysisContext context)
    {
        foreach (Diagnostic diagnostic in context.ReportedDiagnostics)
        {
            if (IsHandler(diagnostic, context.GetSemanticModel, context.CancellationToken))
            {
                context.ReportSuppression(Suppression.Create(Rule, diagnostic));
            }
        }
    }

    private static bool IsHandler(Diagnostic diagnostic, System.Func<SyntaxTree, SemanticModel> model, CancellationToken cancellationToken)
    {
        if (diagnostic.Location.SourceTree is not { } tree)
        {
            return false;
        }

        SyntaxNode node = tree.GetRoot(cancellationToken).FindNode(diagnostic.Location.SourceSpan);
        if (model(tree).GetDeclaredSymbol(node, cancellationToken) is not IMethodSymbol method)
        {
            return false;
        }

        foreach (AttributeData attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass is { ContainingType: null } c
                && c.ContainingNamespace?.ToDisplayString() == "Partisan"
                && c.ContainingAssembly?.Name == "Partisan.Runtime")
            {
                return true;
            }
        }

        return false;
    }
}
