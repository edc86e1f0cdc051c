using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Partisan.Generators.Diagnostics;
using Partisan.Generators.Helpers;
using Partisan.Generators.Messages;
using Partisan.Generators.Payloads;
using Partisan.Generators.Server.Model;

namespace Partisan.Generators.Server;

public sealed partial class PartisanServerGenerator
{
    /// <summary>Turns one [PartisanServer] class into a <see cref="ServerModel"/> or diagnostics. Symbols never leave this class.</summary>
    internal static class Parser
    {
        public const string AttributeMetadataName = "Partisan.PartisanServerAttribute";
        private const string Ns = "Partisan";
        /// <summary>The namespace of the behaviour types the generated code uses (they live in Partisan.Behaviours.dll).</summary>
        private const string BehavioursNs = "Partisan";

        /// <summary>The assembly named by PARTISAN016 when the compilation cannot see the behaviours.</summary>
        private const string BehavioursAssembly = "Partisan.Behaviours";

        /// <summary>The FAWMN predicate: classes and record classes (the attribute cannot be put on structs).</summary>
        public static bool IsCandidate(SyntaxNode node, CancellationToken cancellationToken) => node is ClassDeclarationSyntax or RecordDeclarationSyntax;

        public static Result<ServerModel> Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var declaration = (TypeDeclarationSyntax)context.TargetNode;
            Compilation compilation = context.SemanticModel.Compilation;
            Location nameLocation = declaration.Identifier.GetLocation();
            string display = type.ToDisplayString();
            var diagnostics = new List<DiagnosticInfo>();

            if (compilation.GetTypeByMetadataName(BehavioursNs + ".IGenServer") is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(ServerDiagnostics.MissingReference, nameLocation, display, BehavioursAssembly));
                return Failed(diagnostics);
            }

            string? shapeProblem = type.ContainingType is not null ? "nested classes are not supported; declare it at namespace level"
                : type.TypeParameters.Length > 0 ? "generic classes are not supported: requests and clients are generated for one concrete type"
                : type.IsStatic ? "a static class has no instance to hold the server's state"
                : type.IsAbstract ? "an abstract class cannot be created; mark the concrete class instead"
                : !type.IsAccessibleFromGeneratedCode() ? "it must be public or internal"
                : null;
            if (shapeProblem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(ServerDiagnostics.ServerShapeNotSupported, nameLocation, display, "PartisanServer", shapeProblem));
                return Failed(diagnostics);
            }

            if (!IsPartialEverywhere(type, cancellationToken))
            {
                diagnostics.Add(DiagnosticInfo.Create(ServerDiagnostics.ServerNotPartial, nameLocation, display));
                return Failed(diagnostics);
            }

            var handlers = new List<HandlerModel>();
            var infos = new List<InfoModel>();
            LifecycleModel? init = null;
            LifecycleModel? terminate = null;
            var handlerNames = new Dictionary<string, int>(System.StringComparer.Ordinal);
            var enumReplies = new SortedSet<string>(System.StringComparer.Ordinal);
            foreach (ISymbol member in type.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary } method)
                {
                    continue;
                }

                string? kind = HandlerKind(method, out int attributeCount);
                if (kind is null)
                {
                    continue;
                }

                Location location = Located(method, nameLocation);
                if (attributeCount > 1)
                {
                    diagnostics.Add(Unsupported(kind, method, location, "a method can have only one of [Call], [Cast], [Info], [Init] and [Terminate]"));
                    continue;
                }

                string? problem = method.IsStatic ? "it is static, but handlers run on the server's instance"
                    : method.IsGenericMethod ? "generic methods are not supported"
                    : HasByRefParameter(method) ? "ref, out and in parameters are not supported"
                    : null;
                if (problem is not null)
                {
                    diagnostics.Add(Unsupported(kind, method, location, problem));
                    continue;
                }

                switch (kind)
                {
                    case "Call":
                    case "Cast":
                        string requestKey = BaseName(method.Name);
                        if (handlerNames.TryGetValue(requestKey, out int seen))
                        {
                            if (seen == 1)
                            {
                                diagnostics.Add(DiagnosticInfo.Create(ServerDiagnostics.OverloadedHandler, location, display, requestKey));
                            }

                            handlerNames[requestKey] = seen + 1;
                            continue;
                        }

                        handlerNames[requestKey] = 1;
                        HandlerModel? handler = ParseHandler(kind == "Call", method, display, location, compilation, diagnostics, enumReplies);
                        if (handler is not null)
                        {
                            handlers.Add(handler);
                        }

                        break;
                    case "Info":
                        InfoModel? info = ParseInfo(method, location, diagnostics);
                        if (info is not null)
                        {
                            infos.Add(info);
                        }

                        break;
                    default:
                        bool isInit = kind == "Init";
                        if ((isInit ? init : terminate) is not null)
                        {
                            diagnostics.Add(Unsupported(kind, method, location, $"a server has only one [{kind}] method"));
                            continue;
                        }

                        LifecycleModel? lifecycle = ParseLifecycle(kind, method, location, allowReason: !isInit, diagnostics);
                        if (isInit)
                        {
                            init = lifecycle;
                        }
                        else
                        {
                            terminate = lifecycle;
                        }

                        break;
                }
            }

            if (diagnostics.Count > 0)
            {
                return Failed(diagnostics);
            }

            HierarchyInfo hierarchy = HierarchyInfo.From(type);
            var model = new ServerModel(
                hierarchy,
                hierarchy.FullyQualifiedName,
                type.Name + "Client",
                type.DeclaredAccessibility == Accessibility.Public,
                HasDefaultConstructor(type, compilation),
                hierarchy.HintName("Partisan"),
                handlers.ToEquatableArray(),
                infos.ToEquatableArray(),
                init,
                terminate,
                new List<string>(enumReplies).ToEquatableArray());
            return new Result<ServerModel>(model, default);
        }

        private static Result<ServerModel> Failed(List<DiagnosticInfo> diagnostics) => new(null, diagnostics.ToEquatableArray());

        private static DiagnosticInfo Unsupported(string kind, IMethodSymbol method, Location location, string problem) =>
            DiagnosticInfo.Create(ServerDiagnostics.HandlerNotSupported, location, kind, method.Name, problem);

        private static bool IsPartialEverywhere(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax syntax && !syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>"Call", "Cast", "Info", "Init", "Terminate" or null; <paramref name="count"/> is how many of them the method has.</summary>
        private static string? HandlerKind(IMethodSymbol method, out int count)
        {
            string? kind = null;
            count = 0;
            foreach (AttributeData attribute in method.GetAttributes())
            {
                if (attribute.AttributeClass is not { } c || c.ContainingNamespace?.ToDisplayString() != Ns || c.ContainingType is not null)
                {
                    continue;
                }

                string? found = c.Name switch
                {
                    "CallAttribute" => "Call",
                    "CastAttribute" => "Cast",
                    "InfoAttribute" => "Info",
                    "InitAttribute" => "Init",
                    "TerminateAttribute" => "Terminate",
                    _ => null,
                };
                if (found is not null)
                {
                    kind ??= found;
                    count++;
                }
            }

            return kind;
        }

        private static Location Located(ISymbol symbol, Location fallback)
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

        private static bool HasByRefParameter(IMethodSymbol method)
        {
            foreach (IParameterSymbol parameter in method.Parameters)
            {
                if (parameter.RefKind != RefKind.None)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool HasDefaultConstructor(INamedTypeSymbol type, Compilation compilation)
        {
            foreach (IMethodSymbol constructor in type.InstanceConstructors)
            {
                if (constructor.Parameters.Length == 0 && compilation.IsSymbolAccessibleWithin(constructor, compilation.Assembly))
                {
                    return true;
                }
            }

            return false;
        }

        // ---- calls and casts ----------------------------------------------------------------------

        /// <summary>The enum type of <paramref name="type"/> or of a nullable of it, or null.</summary>
        private static ITypeSymbol? EnumOf(ITypeSymbol type)
        {
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                type = nullable.TypeArguments[0];
            }

            return type.TypeKind == TypeKind.Enum ? type.WithNullableAnnotation(NullableAnnotation.NotAnnotated) : null;
        }

        private static HandlerModel? ParseHandler(bool isCall, IMethodSymbol method, string display, Location location, Compilation compilation, List<DiagnosticInfo> diagnostics, SortedSet<string> enumReplies)
        {
            int before = diagnostics.Count;
            (ReturnShape shape, ITypeSymbol? result) = Shape(method.ReturnType);
            string baseName = BaseName(method.Name);
            string requestName = SymbolExtensions.EscapeIdentifier(baseName + "Request");
            var taken = new HashSet<string>(System.StringComparer.Ordinal) { baseName + "Request", PayloadModel.FormatterName };
            var fields = new List<PayloadFieldModel>();
            var arguments = new List<ArgumentModel>();
            ITypeSymbol? deferredType = null;
            foreach (IParameterSymbol parameter in method.Parameters)
            {
                ITypeSymbol t = parameter.Type;
                if (t.Is(BehavioursNs, "GenServerContext"))
                {
                    arguments.Add(new ArgumentModel(ArgumentSource.Context, null, null));
                    continue;
                }

                if (isCall && t is INamedTypeSymbol { IsGenericType: true } generic && generic.OriginalDefinition.Is(BehavioursNs, "ReplyTo`1"))
                {
                    deferredType = generic.TypeArguments[0];
                    arguments.Add(new ArgumentModel(ArgumentSource.ReplyTo, null, deferredType.ToTypeName()));
                    continue;
                }

                if (t.Is(Ns, "CallHandle"))
                {
                    diagnostics.Add(Unsupported(
                        isCall ? "Call" : "Cast",
                        method,
                        Located(parameter, location),
                        "a CallHandle parameter is not supported: take a ReplyTo<T> to answer later (it keeps the server's record of unanswered calls right)"));
                    continue;
                }

                PayloadFieldModel? field = PayloadFields.From(parameter, compilation, taken, out string? problem);
                if (field is null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        ServerDiagnostics.ValueHasNoFormatter,
                        Located(parameter, location),
                        $"Parameter '{parameter.Name}'",
                        method.Name,
                        t.ToDisplayString(),
                        problem ?? "unsupported type"));
                    continue;
                }

                fields.Add(field);
                arguments.Add(new ArgumentModel(ArgumentSource.Field, field.PropertyName, null));
            }

            string? replyType = null;
            if (isCall)
            {
                if (deferredType is not null)
                {
                    if (shape is not (ReturnShape.Void or ReturnShape.Task or ReturnShape.ValueTask))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(ServerDiagnostics.DeferredReplyReturnsValue, location, method.Name, method.ReturnType.ToDisplayString()));
                    }

                    result = deferredType;
                }
                else if (shape == ReturnShape.Void)
                {
                    diagnostics.Add(DiagnosticInfo.Create(ServerDiagnostics.CallReturnsVoid, location, method.Name));
                }

                if (result is not null)
                {
                    if (PartisanMessageGenerator.Parser.Classify(result, compilation, out string? problem) is null)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(ServerDiagnostics.ValueHasNoFormatter, location, "The result", method.Name, result.ToDisplayString(), problem ?? "unsupported type"));
                    }

                    replyType = result.ToTypeName();
                    if (EnumOf(result) is { } enumType)
                    {
                        enumReplies.Add(enumType.ToTypeName());
                    }
                }
            }
            else if (shape is ReturnShape.Value or ReturnShape.TaskOfT or ReturnShape.ValueTaskOfT)
            {
                diagnostics.Add(DiagnosticInfo.Create(ServerDiagnostics.CastReturnsValue, location, method.Name, method.ReturnType.ToDisplayString()));
            }

            if (diagnostics.Count > before)
            {
                return null;
            }

            string clientName = SymbolExtensions.EscapeIdentifier(isCall ? baseName + "Async" : baseName);
            if (Array.IndexOf(ClientMembers, isCall ? baseName + "Async" : baseName) >= 0)
            {
                diagnostics.Add(Unsupported(isCall ? "Call" : "Cast", method, location, $"its client method '{(isCall ? baseName + "Async" : baseName)}' would clash with a member every client has ({string.Join(", ", ClientMembers)}); rename the method"));
                return null;
            }

            if (!method.ContainingType.GetMembers(baseName + "Request").IsEmpty)
            {
                diagnostics.Add(Unsupported(isCall ? "Call" : "Cast", method, location, $"its request type '{baseName}Request' would clash with the member of that name; rename one of them"));
                return null;
            }
            (string withDefaults, string withoutDefaults, HashSet<string> names) = ClientParameters(method);
            string kindText = isCall ? "call" : "cast";
            var request = new PayloadModel(requestName, $"The {kindText} request of <see cref=\"{SymbolExtensions.EscapeIdentifier(method.Name)}\"/>.", fields.ToEquatableArray());
            return new HandlerModel(
                isCall,
                SymbolExtensions.EscapeIdentifier(method.Name),
                clientName,
                request,
                arguments.ToEquatableArray(),
                shape,
                replyType,
                withDefaults,
                withoutDefaults,
                Free("timeout", names),
                Free("cancellationToken", names));
        }

        /// <summary>The members of every generated client, which no call or cast client method may be named.</summary>
        private static readonly string[] ClientMembers = ["Node", "Server", "Options", "StopAsync", "Monitor", "ToRemoteRef", "ToString", "Equals", "GetHashCode", "GetType"];

        /// <summary>The method name without an <c>Async</c> suffix: it names the request (<c>FlushRequest</c>) and the client method.</summary>
        private static string BaseName(string method) =>
            method.EndsWith("Async", System.StringComparison.Ordinal) && method.Length > "Async".Length
                ? method.Substring(0, method.Length - "Async".Length)
                : method;

        private static string Free(string name, HashSet<string> taken)
        {
            string candidate = name;
            for (int n = 2; taken.Contains(candidate); n++)
            {
                candidate = name + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return candidate;
        }

        /// <summary>The sent parameters as the client declares them, with and without their defaults, and their names.</summary>
        private static (string WithDefaults, string WithoutDefaults, HashSet<string> Names) ClientParameters(IMethodSymbol method)
        {
            var with = new StringBuilder();
            var without = new StringBuilder();
            var names = new HashSet<string>(System.StringComparer.Ordinal);
            foreach (IParameterSymbol parameter in method.Parameters)
            {
                if (IsInjected(parameter.Type))
                {
                    continue;
                }

                string declared = parameter.Type.ToTypeName() + " " + SymbolExtensions.EscapeIdentifier(parameter.Name);
                names.Add(parameter.Name);
                with.Append(with.Length == 0 ? string.Empty : ", ").Append(declared);
                without.Append(without.Length == 0 ? string.Empty : ", ").Append(declared);
                if (parameter.HasExplicitDefaultValue)
                {
                    string value = PartisanMessageGenerator.Parser.DefaultValueOf(parameter) ?? "default";
                    with.Append(" = ").Append(value);
                }
            }

            return (with.ToString(), without.ToString(), names);
        }

        private static bool IsInjected(ITypeSymbol type) =>
            type.Is(BehavioursNs, "GenServerContext") || type.Is(Ns, "CallHandle")
            || (type is INamedTypeSymbol { IsGenericType: true } g && g.OriginalDefinition.Is(BehavioursNs, "ReplyTo`1"));

        /// <summary>The shape of <paramref name="type"/> as a return type, and the value type it produces (null for none).</summary>
        private static (ReturnShape Shape, ITypeSymbol? Result) Shape(ITypeSymbol type)
        {
            if (type.SpecialType == SpecialType.System_Void)
            {
                return (ReturnShape.Void, null);
            }

            if (type is INamedTypeSymbol named && named.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks" && named.ContainingType is null)
            {
                switch (named.MetadataName)
                {
                    case "Task": return (ReturnShape.Task, null);
                    case "ValueTask": return (ReturnShape.ValueTask, null);
                    case "Task`1": return (ReturnShape.TaskOfT, named.TypeArguments[0]);
                    case "ValueTask`1": return (ReturnShape.ValueTaskOfT, named.TypeArguments[0]);
                }
            }

            return (ReturnShape.Value, type);
        }

        // ---- info, init, terminate ----------------------------------------------------------------

        private static InfoModel? ParseInfo(IMethodSymbol method, Location location, List<DiagnosticInfo> diagnostics)
        {
            (ReturnShape shape, _) = Shape(method.ReturnType);
            if (shape is not (ReturnShape.Void or ReturnShape.Task or ReturnShape.ValueTask))
            {
                diagnostics.Add(Unsupported("Info", method, location, "an info handler returns void, Task or ValueTask"));
                return null;
            }

            var arguments = new List<ArgumentModel>();
            string? messageType = null;
            foreach (IParameterSymbol parameter in method.Parameters)
            {
                if (parameter.Type.Is(BehavioursNs, "GenServerContext"))
                {
                    arguments.Add(new ArgumentModel(ArgumentSource.Context, null, null));
                }
                else if (messageType is null)
                {
                    ITypeSymbol matched = parameter.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
                        ? nullable.TypeArguments[0] // a boxed message is never a Nullable<T>: match the T
                        : parameter.Type;
                    messageType = matched.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToTypeName();
                    arguments.Add(new ArgumentModel(ArgumentSource.Message, null, null));
                }
                else
                {
                    messageType = string.Empty;
                }
            }

            if (string.IsNullOrEmpty(messageType))
            {
                diagnostics.Add(Unsupported("Info", method, location, "an info handler takes exactly one message parameter (and optionally the GenServerContext)"));
                return null;
            }

            return new InfoModel(SymbolExtensions.EscapeIdentifier(method.Name), messageType!, arguments.ToEquatableArray(), shape);
        }

        private static LifecycleModel? ParseLifecycle(string kind, IMethodSymbol method, Location location, bool allowReason, List<DiagnosticInfo> diagnostics)
        {
            (ReturnShape shape, _) = Shape(method.ReturnType);
            if (shape is not (ReturnShape.Void or ReturnShape.Task or ReturnShape.ValueTask))
            {
                diagnostics.Add(Unsupported(kind, method, location, "it must return void, Task or ValueTask"));
                return null;
            }

            var arguments = new List<ArgumentModel>();
            foreach (IParameterSymbol parameter in method.Parameters)
            {
                if (parameter.Type.Is(BehavioursNs, "GenServerContext"))
                {
                    arguments.Add(new ArgumentModel(ArgumentSource.Context, null, null));
                }
                else if (allowReason && parameter.Type.Is(Ns, "ExitReason"))
                {
                    arguments.Add(new ArgumentModel(ArgumentSource.ExitReason, null, null));
                }
                else
                {
                    string allowed = allowReason ? "the ExitReason and the GenServerContext" : "the GenServerContext";
                    diagnostics.Add(Unsupported(kind, method, Located(parameter, location), $"its parameters can only be {allowed}"));
                    return null;
                }
            }

            return new LifecycleModel(SymbolExtensions.EscapeIdentifier(method.Name), arguments.ToEquatableArray(), shape);
        }
    }
}
