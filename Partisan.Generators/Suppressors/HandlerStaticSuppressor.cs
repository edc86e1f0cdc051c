using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Partisan.Generators.Helpers;

namespace Partisan.Generators.Suppressors;

/// <summary>
/// Suppresses CA1822 ("mark members as static") on the handler methods of [PartisanServer] and
/// [PartisanStateMachine] classes (methods with a Partisan handler attribute: [Call], [Cast], [Info], [Init],
/// [Terminate], [Enter], the timeout attributes...): the generated dispatch calls them on the instance, and a
/// handler that only returns <c>Next(...)</c> or a constant is still one. Making them static would be PARTISAN015.
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
        SyntaxNode declaration = node as MethodDeclarationSyntax ?? (SyntaxNode?)node.Parent as MethodDeclarationSyntax ?? node;
        if (model(tree).GetDeclaredSymbol(declaration, cancellationToken) is not IMethodSymbol method
            || method.ContainingType is not { } type
            || !(type.HasAttribute("Partisan", "PartisanServerAttribute") || type.HasAttribute("Partisan", "PartisanStateMachineAttribute")))
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
