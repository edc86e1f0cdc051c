using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Partisan.Generators.Diagnostics;
using Partisan.Generators.Helpers;
using Partisan.Generators.Messages.Model;

namespace Partisan.Generators.Messages;

public sealed partial class PartisanMessageGenerator
{
    /// <summary>Turns one [PartisanMessage] type symbol into a <see cref="MessageModel"/> or diagnostics. Symbols never leave this class.</summary>
    internal static class Parser
    {
        public const string AttributeNamespace = "Partisan";
        public const string AttributeMetadataName = "Partisan.PartisanMessageAttribute";
        private const string Runtime = "global::Partisan.Serialization.";

        /// <summary>The formatter of <c>Ns.Outer.Inner</c> is <c>Ns.Outer_InnerPartisanFormatter</c>.</summary>
        public const string FormatterSuffix = "PartisanFormatter";

        /// <summary>The FAWMN predicate: the node kind only.</summary>
        public static bool IsCandidate(SyntaxNode node, CancellationToken cancellationToken) =>
            node is ClassDeclarationSyntax or StructDeclarationSyntax or RecordDeclarationSyntax;

        public static MessageParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            Compilation compilation = context.SemanticModel.Compilation;
            Location nameLocation = ((TypeDeclarationSyntax)context.TargetNode).Identifier.GetLocation();
            string display = type.ToDisplayString();
            var diagnostics = new List<DiagnosticInfo>();

            if (type.IsOrIsInGenericType())
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericMessage, nameLocation, display));
                return Failed(diagnostics, claim: null);
            }

            HierarchyInfo hierarchy = HierarchyInfo.From(type);
            (uint typeId, Location? idLocation) = ReadTypeId(context.Attributes[0], cancellationToken);
            TypeIdClaim? claim = null;
            if (typeId != 0 && typeId < FirstUserTypeId)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ReservedTypeId, idLocation ?? nameLocation, typeId.ToString(CultureInfo.InvariantCulture), display));
            }
            else
            {
                claim = typeId != 0
                    ? new TypeIdClaim(typeId, display, LocationInfo.From(idLocation ?? nameLocation))
                    : new TypeIdClaim(StableHash(hierarchy.ClrFullName), display, LocationInfo.From(nameLocation));
            }

            if (!type.IsAccessibleFromGeneratedCode())
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MessageNotAccessible, nameLocation, display));
            }

            string? kindProblem = type.IsStatic ? "static classes have no instances"
                : type.IsAbstract ? "abstract types cannot be created when reading; mark each concrete type instead"
                : type.IsRefLikeType ? "ref structs cannot be boxed or stored, so they cannot be messages"
                : null;
            if (kindProblem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MessageKindNotSupported, nameLocation, display, kindProblem));
            }

            if (diagnostics.Count > 0)
            {
                return Failed(diagnostics, claim);
            }

            List<Candidate> candidates = CollectMembers(type, compilation, cancellationToken);
            Binding? binding = BindConstructor(type, compilation, candidates);
            if (binding is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoUsableConstructor, nameLocation, display));
                return Failed(diagnostics, claim);
            }

            var members = new List<MessageMemberModel>();
            var memberIndexByCandidate = new int[candidates.Count];
            for (int i = 0; i < candidates.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Candidate candidate = candidates[i];
                memberIndexByCandidate[i] = -1;
                IParameterSymbol? parameter = binding.ParameterFor(i);
                bool inInitializer;
                if (parameter is not null)
                {
                    inInitializer = candidate.IsRequired && !binding.SetsRequiredMembers;
                }
                else if (candidate.IsWritable)
                {
                    inInitializer = true;
                }
                else if (candidate.IsComputed)
                {
                    continue; // a computed property: not data
                }
                else
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.MemberNotSettable,
                        MemberLocation(candidate.Symbol, nameLocation),
                        candidate.Symbol.Name,
                        display,
                        CamelCase(candidate.Symbol.Name)));
                    continue;
                }

                WireTypeModel? wire = Classify(candidate.Type, compilation, out string? problem);
                if (wire is null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.MemberTypeHasNoFormatter,
                        MemberLocation(candidate.Symbol, nameLocation),
                        candidate.Symbol.Name,
                        display,
                        candidate.Type.ToDisplayString(),
                        problem ?? "unsupported type"));
                    continue;
                }

                string missing = (parameter is not null ? DefaultValueOf(parameter) : null) ?? DefaultFor(wire, candidate.Type);
                memberIndexByCandidate[i] = members.Count;
                members.Add(new MessageMemberModel(SymbolExtensions.EscapeIdentifier(candidate.Symbol.Name), wire, inInitializer, missing));
            }

            if (diagnostics.Count > 0)
            {
                return Failed(diagnostics, claim);
            }

            var arguments = new List<int>();
            foreach (int candidateIndex in binding.CandidateByParameter)
            {
                arguments.Add(memberIndexByCandidate[candidateIndex]);
            }

            var model = new MessageModel(
                hierarchy,
                hierarchy.FullyQualifiedName,
                hierarchy.SiblingName(FormatterSuffix),
                hierarchy.HintName("PartisanFormatter"),
                type.IsValueType,
                typeId,
                members.ToEquatableArray(),
                arguments.ToEquatableArray());
            return new MessageParseResult(new Result<MessageModel>(model, default), claim);
        }

        private static MessageParseResult Failed(List<DiagnosticInfo> diagnostics, TypeIdClaim? claim) =>
            new(new Result<MessageModel>(null, diagnostics.ToEquatableArray()), claim);

        private static Location MemberLocation(ISymbol member, Location fallback)
        {
            foreach (Location location in member.Locations)
            {
                if (location.IsInSource)
                {
                    return location;
                }
            }

            return fallback;
        }

        private static (uint Id, Location? Location) ReadTypeId(AttributeData attribute, CancellationToken cancellationToken)
        {
            uint id = 0;
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key == "TypeId" && argument.Value.Value is uint value)
                {
                    id = value;
                }
            }

            Location? location = null;
            if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList: { } list })
            {
                foreach (AttributeArgumentSyntax argument in list.Arguments)
                {
                    if (argument.NameEquals?.Name.Identifier.ValueText == "TypeId")
                    {
                        location = argument.GetLocation();
                    }
                }
            }

            return (id, location);
        }

        // ---- members ------------------------------------------------------------------------------

        /// <summary>A public field or property that might be serialized (symbols live only during parsing).</summary>
        private sealed class Candidate
        {
            public Candidate(ISymbol symbol, ITypeSymbol type, bool isWritable, bool isComputed, bool isRequired)
            {
                Symbol = symbol;
                Type = type;
                IsWritable = isWritable;
                IsComputed = isComputed;
                IsRequired = isRequired;
            }

            public ISymbol Symbol { get; }

            public ITypeSymbol Type { get; }

            /// <summary>A settable field, or a property with an accessible <c>set</c> or <c>init</c>.</summary>
            public bool IsWritable { get; }

            /// <summary>A get-only property with no backing field: skipped unless a constructor parameter binds it.</summary>
            public bool IsComputed { get; }

            public bool IsRequired { get; }
        }

        /// <summary>Public instance fields and readable properties, base class first, in declaration order.</summary>
        private static List<Candidate> CollectMembers(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
        {
            var chain = new List<INamedTypeSymbol>();
            for (INamedTypeSymbol? t = type; t is not null && t.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); t = t.BaseType)
            {
                chain.Insert(0, t);
            }

            var result = new List<Candidate>();
            var indexByName = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (INamedTypeSymbol t in chain)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (ISymbol member in t.GetMembers())
                {
                    Candidate? candidate = member switch
                    {
                        _ when member.IsStatic || member.DeclaredAccessibility != Accessibility.Public => null,
                        _ when member.HasAttribute(AttributeNamespace, "PartisanIgnoreAttribute") => null,
                        IFieldSymbol { IsConst: false } field => new Candidate(field, field.Type, !field.IsReadOnly, isComputed: false, field.IsRequired),
                        IPropertySymbol property => PropertyCandidate(property, compilation),
                        _ => null,
                    };
                    if (candidate is null)
                    {
                        continue;
                    }

                    if (indexByName.TryGetValue(member.Name, out int existing))
                    {
                        result[existing] = candidate; // an override or a 'new' member: keep the base's position
                    }
                    else
                    {
                        indexByName[member.Name] = result.Count;
                        result.Add(candidate);
                    }
                }
            }

            return result;
        }

        private static Candidate? PropertyCandidate(IPropertySymbol property, Compilation compilation)
        {
            if (property.IsIndexer || property.ReturnsByRef || property.ReturnsByRefReadonly
                || property.GetMethod is not { DeclaredAccessibility: Accessibility.Public })
            {
                return null;
            }

            bool writable = property.SetMethod is { } setter && compilation.IsSymbolAccessibleWithin(setter, compilation.Assembly);
            bool computed = !writable && !HasBackingField(property);
            return new Candidate(property, property.Type, writable, computed, property.IsRequired);
        }

        private static bool HasBackingField(IPropertySymbol property)
        {
            foreach (ISymbol member in property.ContainingType.GetMembers())
            {
                if (member is IFieldSymbol field && SymbolEqualityComparer.Default.Equals(field.AssociatedSymbol, property))
                {
                    return true;
                }
            }

            return false;
        }

        // ---- constructor --------------------------------------------------------------------------

        /// <summary>The constructor used for reading and which candidate each of its parameters takes.</summary>
        private sealed class Binding
        {
            public Binding(IMethodSymbol constructor, int[] candidateByParameter, bool setsRequiredMembers)
            {
                Constructor = constructor;
                CandidateByParameter = candidateByParameter;
                SetsRequiredMembers = setsRequiredMembers;
            }

            public IMethodSymbol Constructor { get; }

            public int[] CandidateByParameter { get; }

            public bool SetsRequiredMembers { get; }

            public IParameterSymbol? ParameterFor(int candidate)
            {
                int index = Array.IndexOf(CandidateByParameter, candidate);
                return index < 0 ? null : Constructor.Parameters[index];
            }
        }

        /// <summary>
        /// Picks the accessible constructor with the most parameters whose every parameter matches a
        /// candidate member by name (exact, then ignoring case) and type; the record copy constructor is
        /// never used. Ties go to the first declared.
        /// </summary>
        private static Binding? BindConstructor(INamedTypeSymbol type, Compilation compilation, List<Candidate> candidates)
        {
            Binding? best = null;
            foreach (IMethodSymbol constructor in type.InstanceConstructors)
            {
                if (!compilation.IsSymbolAccessibleWithin(constructor, compilation.Assembly)
                    || (type.IsRecord && constructor.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, type)))
                {
                    continue;
                }

                int[]? map = MatchParameters(constructor, candidates);
                if (map is not null && (best is null || map.Length > best.CandidateByParameter.Length))
                {
                    bool setsRequired = constructor.HasAttribute("System.Diagnostics.CodeAnalysis", "SetsRequiredMembersAttribute");
                    best = new Binding(constructor, map, setsRequired);
                }
            }

            return best;
        }

        private static int[]? MatchParameters(IMethodSymbol constructor, List<Candidate> candidates)
        {
            var map = new int[constructor.Parameters.Length];
            for (int p = 0; p < map.Length; p++)
            {
                IParameterSymbol parameter = constructor.Parameters[p];
                if (parameter.RefKind is RefKind.Ref or RefKind.Out)
                {
                    return null;
                }

                int found = FindCandidate(parameter, candidates, StringComparison.Ordinal);
                if (found < 0)
                {
                    found = FindCandidate(parameter, candidates, StringComparison.OrdinalIgnoreCase);
                }

                if (found < 0 || Array.IndexOf(map, found, 0, p) >= 0)
                {
                    return null;
                }

                map[p] = found;
            }

            return map;
        }

        private static int FindCandidate(IParameterSymbol parameter, List<Candidate> candidates, StringComparison comparison)
        {
            for (int i = 0; i < candidates.Count; i++)
            {
                if (string.Equals(candidates[i].Symbol.Name, parameter.Name, comparison)
                    && SymbolEqualityComparer.Default.Equals(candidates[i].Type, parameter.Type))
                {
                    return i;
                }
            }

            return -1;
        }

        // ---- defaults -----------------------------------------------------------------------------

        /// <summary>The expression for a member an older sender did not write: <c>default</c>, typed for the member.</summary>
        private static string DefaultFor(WireTypeModel wire, ITypeSymbol type) =>
            type.IsValueType ? "default" : wire.SuppressNull ? "default!" : "null";

        /// <summary>A constructor parameter's explicit default as a C# expression, or null when it has none (or it is <c>default</c>).</summary>
        internal static string? DefaultValueOf(IParameterSymbol parameter)
        {
            if (!parameter.HasExplicitDefaultValue || parameter.ExplicitDefaultValue is not { } value)
            {
                return null;
            }

            string typeName = parameter.Type.ToTypeName();
            string? literal = value switch
            {
                string s => SymbolDisplay.FormatLiteral(s, quote: true),
                char c => SymbolDisplay.FormatLiteral(c, quote: true),
                bool b => b ? "true" : "false",
                float f when float.IsNaN(f) => "float.NaN",
                float f when float.IsPositiveInfinity(f) => "float.PositiveInfinity",
                float f when float.IsNegativeInfinity(f) => "float.NegativeInfinity",
                double d when double.IsNaN(d) => "double.NaN",
                double d when double.IsPositiveInfinity(d) => "double.PositiveInfinity",
                double d when double.IsNegativeInfinity(d) => "double.NegativeInfinity",
                float f => f.ToString("R", CultureInfo.InvariantCulture) + "F",
                double d => d.ToString("R", CultureInfo.InvariantCulture) + "D",
                decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
                long l => l.ToString(CultureInfo.InvariantCulture) + "L",
                ulong ul => ul.ToString(CultureInfo.InvariantCulture) + "UL",
                uint u => u.ToString(CultureInfo.InvariantCulture) + "U",
                IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
                _ => null,
            };
            if (literal is null)
            {
                return null;
            }

            return value is string or bool ? literal : "(" + typeName + ")(" + literal + ")";
        }

        private static string CamelCase(string name) =>
            name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name.Substring(1);

        // ---- type ids -----------------------------------------------------------------------------

        private const uint FirstUserTypeId = 1000;

        /// <summary>The default type id, as the runtime computes it: FNV-1a over the CLR full name, moved above the reserved range.</summary>
        internal static uint StableHash(string typeName)
        {
            uint hash = 2166136261;
            foreach (char c in typeName)
            {
                hash ^= c;
                hash *= 16777619;
            }

            return hash < FirstUserTypeId ? hash + FirstUserTypeId : hash;
        }

        // ---- member types -------------------------------------------------------------------------

        /// <summary>How a value of <paramref name="type"/> is written, or null with the reason it cannot be.</summary>
        internal static WireTypeModel? Classify(ITypeSymbol type, Compilation compilation, out string? problem)
        {
            problem = null;
            string name = type.ToTypeName();
            bool suppressNull = type.IsReferenceType && type.NullableAnnotation != NullableAnnotation.Annotated;

            switch (type.TypeKind)
            {
                case TypeKind.Pointer:
                case TypeKind.FunctionPointer:
                    problem = "pointers mean nothing on another machine";
                    return null;
                case TypeKind.Delegate:
                    problem = "delegates are code, not data; send a message that says what to do";
                    return null;
                case TypeKind.TypeParameter:
                    problem = "type parameters are not supported";
                    return null;
                case TypeKind.Dynamic:
                    problem = "dynamic has no wire form; use object";
                    return null;
                case TypeKind.Error:
                    return Simple(WireKind.Registry); // the compiler already reports the unknown type
            }

            if (type.IsRefLikeType)
            {
                problem = "ref structs cannot be stored in a message";
                return null;
            }

            switch (type.SpecialType)
            {
                case SpecialType.System_Boolean: return Simple(WireKind.Bool);
                case SpecialType.System_Byte: return Simple(WireKind.Byte);
                case SpecialType.System_Int32: return Simple(WireKind.Int32);
                case SpecialType.System_UInt32: return Simple(WireKind.UInt32);
                case SpecialType.System_Int64: return Simple(WireKind.Int64);
                case SpecialType.System_UInt64: return Simple(WireKind.UInt64);
                case SpecialType.System_Single: return Simple(WireKind.Single);
                case SpecialType.System_Double: return Simple(WireKind.Double);
                case SpecialType.System_Decimal: return Simple(WireKind.Decimal);
                case SpecialType.System_String: return Simple(WireKind.String);
                case SpecialType.System_Object: return Simple(WireKind.Object);
                case SpecialType.System_SByte: return BuiltIn("SByteFormatter");
                case SpecialType.System_Int16: return BuiltIn("Int16Formatter");
                case SpecialType.System_UInt16: return BuiltIn("UInt16Formatter");
                case SpecialType.System_Char: return BuiltIn("CharFormatter");
                case SpecialType.System_DateTime: return BuiltIn("DateTimeFormatter");
                case SpecialType.System_IntPtr:
                case SpecialType.System_UIntPtr:
                    problem = "native-sized integers differ between machines; use int or long";
                    return null;
            }

            if (type is IArrayTypeSymbol array)
            {
                if (array.Rank != 1)
                {
                    problem = "multi-dimensional arrays have no wire formatter; use an array of arrays or a List<T>";
                    return null;
                }

                if (array.ElementType.SpecialType == SpecialType.System_Byte)
                {
                    return Simple(WireKind.Bytes);
                }

                return Classify(array.ElementType, compilation, out problem) is null ? null : Simple(WireKind.Registry);
            }

            if (type is not INamedTypeSymbol named)
            {
                return Simple(WireKind.Registry);
            }

            if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
            {
                WireTypeModel? element = Classify(named.TypeArguments[0], compilation, out problem);
                return element is null ? null : new WireTypeModel(WireKind.Nullable, name, null, false, element);
            }

            if (named.TypeKind == TypeKind.Enum)
            {
                return new WireTypeModel(WireKind.Enum, name, Runtime + "EnumFormatter<" + name + ">", false, null);
            }

            string ns = named.ContainingNamespace?.ToDisplayString() ?? string.Empty;
            if (named.ContainingType is null)
            {
                switch (ns)
                {
                    case "System":
                        switch (named.MetadataName)
                        {
                            case "Guid": return Simple(WireKind.Guid);
                            case "DateTimeOffset": return BuiltIn("DateTimeOffsetFormatter");
                            case "TimeSpan": return BuiltIn("TimeSpanFormatter");
                            case "ReadOnlyMemory`1" when named.TypeArguments[0].SpecialType == SpecialType.System_Byte:
                                return BuiltIn("ReadOnlyMemoryFormatter");
                            case "ReadOnlyMemory`1":
                            case "Memory`1":
                            case "ArraySegment`1":
                                problem = "only ReadOnlyMemory<byte> has a wire formatter; use an array";
                                return null;
                            case "Type":
                                problem = "types cannot be sent; send a name or an enum";
                                return null;
                        }

                        break;
                    case "System.Threading.Tasks" when named.MetadataName is "Task" or "Task`1" or "ValueTask" or "ValueTask`1":
                        problem = "tasks are local; send the result instead";
                        return null;
                    case "System.Threading" when named.MetadataName == "CancellationToken":
                        problem = "cancellation tokens are local to a process";
                        return null;
                    case "Partisan" when named.MetadataName is "Pid" or "Ref" or "RemoteRef" or "ProcessRef" or "NodeName" or "ExitReason":
                        return BuiltIn(named.MetadataName + "Formatter");
                    case "System.Collections.Generic":
                        return ClassifyCollection(named, compilation, out problem);
                    case "System.Collections":
                        problem = "non-generic collections have no wire formatter; use T[], List<T>, HashSet<T> or Dictionary<TKey, TValue>";
                        return null;
                }
            }

            if (named.IsOrDerivesFrom("System.IO", "Stream"))
            {
                problem = "streams cannot be sent; send byte[] or ReadOnlyMemory<byte>";
                return null;
            }

            if (named.HasAttribute(AttributeNamespace, "PartisanMessageAttribute")
                && SymbolEqualityComparer.Default.Equals(named.ContainingAssembly, compilation.Assembly)
                && !named.IsOrIsInGenericType()
                && named.IsAccessibleFromGeneratedCode()
                && !named.IsAbstract)
            {
                string formatter = HierarchyInfo.From(named).SiblingFullName(FormatterSuffix);
                return new WireTypeModel(WireKind.Message, name, formatter, suppressNull, null);
            }

            return Simple(WireKind.Registry); // resolved through the registry at run time (another assembly's message, or a registered formatter)

            WireTypeModel Simple(WireKind kind) => new(kind, name, null, suppressNull, null);

            WireTypeModel BuiltIn(string formatter) => new(WireKind.BuiltIn, name, Runtime + formatter, suppressNull, null);
        }

        private static WireTypeModel? ClassifyCollection(INamedTypeSymbol named, Compilation compilation, out string? problem)
        {
            problem = null;
            switch (named.MetadataName)
            {
                case "List`1":
                case "HashSet`1":
                case "Dictionary`2":
                    foreach (ITypeSymbol argument in named.TypeArguments)
                    {
                        if (Classify(argument, compilation, out problem) is null)
                        {
                            return null;
                        }
                    }

                    bool suppressNull = named.NullableAnnotation != NullableAnnotation.Annotated;
                    return new WireTypeModel(WireKind.Registry, named.ToTypeName(), null, suppressNull, null);
                default:
                    problem = "only List<T>, HashSet<T>, Dictionary<TKey, TValue> and arrays have wire formatters; use one of them";
                    return null;
            }
        }
    }
}
