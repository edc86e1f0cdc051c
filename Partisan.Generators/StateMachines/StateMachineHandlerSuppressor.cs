using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Partisan.Generators.Helpers;

namespace Partisan.Generators.StateMachines;

/// <summary>
/// Suppresses CA1822 ("mark members as static") on the handlers of a [PartisanStateMachine] class: the
/// generated dispatch calls them on the machine, and a handler that only returns <c>Next(...)</c> is still one.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StateMachineHandlerSuppressor : DiagnosticSuppressor
{
    private static readonly SuppressionDescriptor MarkMembersAsStatic = new(
        "PARTISANSPR001",
        "CA1822",
        "State machine handlers are called on the machine by the generated dispatch; they need not touch its fields.");

    private static readonly string[] HandlerAttributes =
    [
        "InitAttribute", "TerminateAttribute", "CallAttribute", "CastAttribute", "InfoAttribute", "InternalAttribute",
        "EnterAttribute", "StateTimeoutAttribute", "EventTimeoutAttribute", "GenericTimeoutAttribute",
    ];

    /// <inheritdoc />
    public override ImmutableArray<SuppressionDescriptor> SupportedSuppressions => ImmutableArray.Create(MarkMembersAsStatic);

    /// <inheritdoc />
    public override void ReportSuppressions(SuppressionAnalysisContext context)
    {
        foreach (Diagnostic diagnostic in context.ReportedDiagnostics)
        {
            if (diagnostic.Location.SourceTree is not { } tree)
            {
                continue;
            }

            SyntaxNode node = tree.GetRoot(context.CancellationToken).FindNode(diagnostic.Location.SourceSpan);
            MethodDeclarationSyntax? declaration = node as MethodDeclarationSyntax ?? node.Parent as MethodDeclarationSyntax;
            if (declaration is null
                || context.GetSemanticModel(tree).GetDeclaredSymbol(declaration, context.CancellationToken) is not { } method
                || method.ContainingType is not { } type
                || !type.HasAttribute("Partisan", "PartisanStateMachineAttribute"))
            {
                continue;
            }

            foreach (string attribute in HandlerAttributes)
            {
                if (method.HasAttribute("Partisan", attribute))
                {
                    context.ReportSuppression(Suppression.Create(MarkMembersAsStatic, diagnostic));
                    break;
                }
            }
        }
    }
}
