using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Partisan.Generators.Diagnostics;
using Partisan.Generators.Helpers;
using Partisan.Generators.Messages;
using Partisan.Generators.Rpc.Model;

namespace Partisan.Generators.Rpc;

public sealed partial class PartisanRpcGenerator
{
    /// <summary>Turns one [PartisanRpc] interface symbol into an <see cref="RpcInterfaceModel"/> or diagnostics. Symbols never leave this class.</summary>
    internal static class Parser
    {
        public const string AttributeMetadataName = "Partisan.PartisanRpcAttribute";

        /// <summary>A type of Partisan.Rpc the generated code uses; when the compilation cannot see it, PARTISAN016.</summary>
        public const string RpcTypeMetadataName = "Partisan.Rpc";

        /// <summary>The generated class is the interface name without its <c>I</c> prefix, plus this.</summary>
        public const string ClassSuffix = "Rpc";

        private const string AttributeDisplay = "PartisanRpc";

        /// <summary>The FAWMN predicate: the node kind only.</summary>
        public static bool IsCandidate(SyntaxNode node, CancellationToken cancellationToken) => node is InterfaceDeclarationSyntax;

        public static RpcParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            Compilation compilation = context.SemanticModel.Compilation;
            Location nameLocation = ((InterfaceDeclarationSyntax)context.TargetNode).Identifier.GetLocation();
            string display = type.ToDisplayString();
            var diagnostics = new List<DiagnosticInfo>();

            if (compilation.GetTypeByMetadataName(RpcTypeMetadataName) is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(ServerDiagnostics.MissingReference, nameLocation, display, "Partisan.Rpc"));
                return Failed(diagnostics);
            }

            if (type.IsOrIsInGenericType())
            {
                diagnostics.Add(DiagnosticInfo.Create(RpcDiagnostics.GenericRpcInterface, nameLocation, display));
            }

            if (!type.IsAccessibleFromGeneratedCode())
            {
                diagnostics.Add(DiagnosticInfo.Create(RpcDiagnostics.RpcInterfaceNotAccessible, nameLocation, display));
            }

            if (diagnostics.Count > 0)
            {
                return Failed(diagnostics);
            }

            HierarchyInfo hierarchy = HierarchyInfo.From(type);
            string className = ClassName(hierarchy);
            string classFullName = hierarchy.Namespace.Length == 0 ? className : hierarchy.Namespace + "." + className;
            var claim = new RpcClassClaim(classFullName, display, LocationInfo.From(nameLocation));
            if (compilation.Assembly.GetTypeByMetadataName(classFullName) is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(RpcDiagnostics.RpcClassNameTaken, nameLocation, display, classFullName, "is already declared"));
            }

            // The interface's own members first, then each base interface's, each in declaration order.
            var candidates = new List<IMethodSymbol>();
            CollectMethods(type, display, nameLocation, candidates, diagnostics, cancellationToken);
            foreach (INamedTypeSymbol baseInterface in type.AllInterfaces)
            {
                CollectMethods(baseInterface, display, nameLocation, candidates, diagnostics, cancellationToken);
            }

            var countByName = new Dictionary<string, int>(System.StringComparer.Ordinal);
            foreach (IMethodSymbol method in candidates)
            {
                countByName[method.Name] = countByName.TryGetValue(method.Name, out int n) ? n + 1 : 1;
            }

            var methods = new List<RpcMethodModel>();
            foreach (IMethodSymbol method in candidates)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (countByName[method.Name] > 1)
                {
                    diagnostics.Add(DiagnosticInfo.Create(RpcDiagnostics.OverloadedRpcMethod, SourceLocation(method, nameLocation), display, method.Name));
                    continue;
                }

                RpcMethodModel? parsedMethod = ParseMethod(method, compilation, nameLocation, diagnostics, cancellationToken);
                if (parsedMethod is not null)
                {
                    methods.Add(parsedMethod);
                }
            }

            if (diagnostics.Count > 0)
            {
                return Failed(diagnostics, claim);
            }

            var model = new RpcInterfaceModel(
                hierarchy,
                hierarchy.FullyQualifiedName,
                hierarchy.ClrFullName,
                className,
                IsPublic(type) ? "public" : "internal",
                hierarchy.HintName("PartisanRpc"),
                methods.ToEquatableArray());
            return new RpcParseResult(new Result<RpcInterfaceModel>(model, default), claim);
        }

        private static RpcParseResult Failed(List<DiagnosticInfo> diagnostics, RpcClassClaim? claim = null) =>
            new(new Result<RpcInterfaceModel>(null, diagnostics.ToEquatableArray()), claim);

        /// <summary><c>ICalculator</c> gives <c>CalculatorRpc</c>; <c>Outer.IStore</c> gives <c>Outer_StoreRpc</c>; <c>Inventory</c> gives <c>InventoryRpc</c>.</summary>
        internal static string ClassName(HierarchyInfo hierarchy)
        {
            string name = hierarchy.Type.Identifier;
            if (name.Length > 1 && name[0] == 'I' && char.IsUpper(name[1]))
            {
                name = name.Substring(1);
            }

            var parts = new List<string>();
            foreach (TypeDeclarationInfo outer in hierarchy.ContainingTypes)
            {
                parts.Add(outer.Identifier);
            }

            parts.Add(name + ClassSuffix);
            return string.Join("_", parts);
        }

        private static bool IsPublic(INamedTypeSymbol type)
        {
            for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
            {
                if (t.DeclaredAccessibility != Accessibility.Public)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// The abstract instance methods of <paramref name="owner"/>, which become RPC functions. Members with a default
        /// implementation run locally on the stub and are left alone, as are static members that are not abstract or virtual
        /// (helpers, constants) and nested types. Properties, events, indexers and static abstract members are PARTISAN026.
        /// </summary>
        private static void CollectMethods(INamedTypeSymbol owner, string display, Location fallback, List<IMethodSymbol> methods, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            foreach (ISymbol member in owner.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member is INamedTypeSymbol || member is IMethodSymbol { MethodKind: not MethodKind.Ordinary })
                {
                    continue; // nested types; accessors (their property or event is checked), static constructors, operators
                }

                string? problem = null;
                if (member.IsStatic)
                {
                    problem = member.IsAbstract || member.IsVirtual ? "a static abstract or virtual member, which a stub cannot provide" : null;
                }
                else if (!member.IsAbstract)
                {
                    problem = null; // a default implementation: it runs on the stub, locally
                }
                else if (member.DeclaredAccessibility != Accessibility.Public)
                {
                    problem = "not public";
                }
                else
                {
                    switch (member)
                    {
                        case IMethodSymbol method:
                            methods.Add(method);
                            break;
                        case IPropertySymbol { IsIndexer: true }:
                            problem = "an indexer";
                            break;
                        case IPropertySymbol:
                            problem = "a property";
                            break;
                        case IEventSymbol:
                            problem = "an event";
                            break;
                        default:
                            problem = "not a method";
                            break;
                    }
                }

                if (problem is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(RpcDiagnostics.RpcMemberNotSupported, SourceLocation(member, fallback), member.Name, display, problem));
                }
            }
        }

        private static RpcMethodModel? ParseMethod(IMethodSymbol method, Compilation compilation, Location fallback, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            string methodDisplay = method.ContainingType.ToDisplayString() + "." + method.Name;
            Location nameLocation = SourceLocation(method, fallback);
            var syntax = FirstSyntax(method, cancellationToken) as MethodDeclarationSyntax;
            int before = diagnostics.Count;

            if (method.IsGenericMethod)
            {
                diagnostics.Add(DiagnosticInfo.Create(RpcDiagnostics.GenericRpcMethod, nameLocation, methodDisplay));
                return null; // its parameter and result types would only repeat the problem
            }

            Location returnLocation = syntax?.ReturnType.GetLocation() ?? nameLocation;
            RpcReturnKind kind = RpcReturnKind.Void;
            ITypeSymbol? resultType = null;
            if (method.ReturnsByRef || method.ReturnsByRefReadonly)
            {
                diagnostics.Add(DiagnosticInfo.Create(RpcDiagnostics.RpcReturnTypeNotSupported, returnLocation, methodDisplay, "ref " + method.ReturnType.ToDisplayString()));
            }
            else if (!method.ReturnsVoid)
            {
                (RpcReturnKind Kind, ITypeSymbol? Result)? shape = ReturnShape(method.ReturnType);
                if (shape is null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(RpcDiagnostics.RpcReturnTypeNotSupported, returnLocation, methodDisplay, method.ReturnType.ToDisplayString()));
                }
                else
                {
                    (kind, resultType) = shape.Value;
                }
            }

            RpcValueModel? result = null;
            if (resultType is not null)
            {
                if (MessageClassify(resultType, compilation, out string? problem))
                {
                    result = Value(resultType);
                }
                else
                {
                    diagnostics.Add(DiagnosticInfo.Create(ServerDiagnostics.ValueHasNoFormatter, returnLocation, "The result", methodDisplay, resultType.ToDisplayString(), problem ?? "unsupported type"));
                }
            }

            var parameters = new List<RpcParameterModel>();
            bool hasToken = false;
            foreach (IParameterSymbol parameter in method.Parameters)
            {
                Location parameterLocation = SourceLocation(parameter, nameLocation);
                string name = SymbolExtensions.EscapeIdentifier(parameter.Name);
                if (parameter.RefKind != RefKind.None)
                {
                    diagnostics.Add(DiagnosticInfo.Create(RpcDiagnostics.RpcParameterByReference, parameterLocation, parameter.Name, methodDisplay, RefKindText(parameter.RefKind)));
                    continue;
                }

                if (parameter.Type.Is("System.Threading", "CancellationToken"))
                {
                    if (hasToken)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(
                            ServerDiagnostics.HandlerNotSupported,
                            parameterLocation,
                            AttributeDisplay,
                            methodDisplay,
                            "it has more than one CancellationToken; take one, which cancels the caller's wait (it is not sent)"));
                        continue;
                    }

                    hasToken = true;
                    parameters.Add(new RpcParameterModel(name, parameter.Name, Value(parameter.Type), IsCancellationToken: true));
                    continue;
                }

                if (!MessageClassify(parameter.Type, compilation, out string? problem))
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        ServerDiagnostics.ValueHasNoFormatter,
                        parameterLocation,
                        "Parameter '" + parameter.Name + "'",
                        methodDisplay,
                        parameter.Type.ToDisplayString(),
                        problem ?? "unsupported type"));
                    continue;
                }

                parameters.Add(new RpcParameterModel(name, parameter.Name, Value(parameter.Type), IsCancellationToken: false));
            }

            if (diagnostics.Count > before)
            {
                return null;
            }

            return new RpcMethodModel(
                method.ContainingType.ToTypeName(),
                SymbolExtensions.EscapeIdentifier(method.Name),
                method.Name,
                kind,
                method.ReturnsVoid ? "void" : method.ReturnType.ToTypeName(),
                result,
                parameters.ToEquatableArray());
        }

        private static bool MessageClassify(ITypeSymbol type, Compilation compilation, out string? problem) =>
            PartisanMessageGenerator.Parser.Classify(type, compilation, out problem) is not null;

        /// <summary>Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt;, with T; null for any other type.</summary>
        private static (RpcReturnKind Kind, ITypeSymbol? Result)? ReturnShape(ITypeSymbol type)
        {
            if (type is not INamedTypeSymbol named)
            {
                return null;
            }

            if (named.Is("System.Threading.Tasks", "Task"))
            {
                return (RpcReturnKind.Task, null);
            }

            if (named.Is("System.Threading.Tasks", "ValueTask"))
            {
                return (RpcReturnKind.ValueTask, null);
            }

            if (named.Is("System.Threading.Tasks", "Task`1"))
            {
                return (RpcReturnKind.TaskOfT, named.TypeArguments[0]);
            }

            if (named.Is("System.Threading.Tasks", "ValueTask`1"))
            {
                return (RpcReturnKind.ValueTaskOfT, named.TypeArguments[0]);
            }

            return null;
        }

        /// <summary>How a value of <paramref name="type"/> travels: enums (and nullable enums) as their underlying integer, so they need no registration.</summary>
        private static RpcValueModel Value(ITypeSymbol type)
        {
            string name = type.ToTypeName();
            bool allowNull = type.IsReferenceType
                ? type.NullableAnnotation != NullableAnnotation.NotAnnotated
                : type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T };
            string wire = name;
            if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying })
            {
                wire = underlying.ToTypeName();
            }
            else if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
                && nullable.TypeArguments[0] is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } nullableUnderlying })
            {
                wire = nullableUnderlying.ToTypeName() + "?";
            }

            return new RpcValueModel(name, wire, allowNull);
        }

        private static string RefKindText(RefKind kind) => kind switch
        {
            RefKind.Ref => "ref",
            RefKind.Out => "out",
            RefKind.In => "in",
            _ => "ref readonly",
        };

        private static SyntaxNode? FirstSyntax(ISymbol symbol, CancellationToken cancellationToken) =>
            symbol.DeclaringSyntaxReferences.Length > 0 ? symbol.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) : null;

        private static Location SourceLocation(ISymbol symbol, Location fallback)
        {
            foreach (Location location in symbol.Locations)
            {
                if (location.IsInSource)
                {
                    return location;
                }
            }

            return fallback;
        }
    }
}
