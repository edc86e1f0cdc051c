using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Partisan.Generators.Diagnostics;
using Partisan.Generators.Helpers;
using Partisan.Generators.Messages;
using Partisan.Generators.Payloads;
using Partisan.Generators.StateMachines.Model;

namespace Partisan.Generators.StateMachines;

public sealed partial class PartisanStateMachineGenerator
{
    /// <summary>Reads a [PartisanStateMachine] class into a <see cref="StateMachineModel"/>, or the diagnostics explaining why it cannot be generated.</summary>
    internal static class Parser
    {
        public const string AttributeMetadataName = "Partisan.PartisanStateMachineAttribute";
        private const string AttributeName = "PartisanStateMachine";
        private const string Ns = "Partisan";
        /// <summary>The namespace of the behaviour types the generated code uses (they live in Partisan.Behaviours.dll).</summary>
        private const string BehavioursNs = "Partisan";

        private static readonly (string Attribute, HandlerKind Kind)[] HandlerAttributes =
        [
            ("CallAttribute", HandlerKind.Call),
            ("CastAttribute", HandlerKind.Cast),
            ("InfoAttribute", HandlerKind.Info),
            ("InternalAttribute", HandlerKind.Internal),
            ("EnterAttribute", HandlerKind.Enter),
            ("StateTimeoutAttribute", HandlerKind.StateTimeout),
            ("EventTimeoutAttribute", HandlerKind.EventTimeout),
            ("GenericTimeoutAttribute", HandlerKind.GenericTimeout),
        ];

        public static Result<StateMachineModel> Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var syntax = (TypeDeclarationSyntax)context.TargetNode;
            Compilation compilation = context.SemanticModel.Compilation;
            Location nameLocation = syntax.Identifier.GetLocation();
            string display = type.ToDisplayString();
            var diagnostics = new List<DiagnosticInfo>();

            if (compilation.GetTypeByMetadataName("Partisan.IGenStatem`2") is null)
            {
                return Failed(DiagnosticInfo.Create(ServerDiagnostics.MissingReference, nameLocation, display, "Partisan.Behaviours"));
            }

            CheckPartial(type, syntax, diagnostics);
            string? shapeProblem =
                type.IsStatic ? "a static class has no instances" :
                type.IsAbstract ? "an abstract class cannot be started" :
                type.IsOrIsInGenericType() ? "generic state machines are not supported" :
                !type.IsAccessibleFromGeneratedCode() ? "it must be public or internal, and so must every type containing it" :
                null;
            if (shapeProblem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(ServerDiagnostics.ServerShapeNotSupported, nameLocation, display, AttributeName, shapeProblem));
                return Failed(diagnostics);
            }

            AttributeData attribute = context.Attributes[0];
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol { TypeKind: TypeKind.Enum } states)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    ServerDiagnostics.ServerShapeNotSupported,
                    AttributeArgumentLocation(attribute, 0) ?? nameLocation,
                    display,
                    AttributeName,
                    "its states must be an enum: [PartisanStateMachine(typeof(MyStates))]"));
                return Failed(diagnostics);
            }

            var values = new HashSet<object>();
            foreach (ISymbol member in states.GetMembers())
            {
                if (member is IFieldSymbol { HasConstantValue: true, ConstantValue: { } value } && !values.Add(value))
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        ServerDiagnostics.ServerShapeNotSupported,
                        AttributeArgumentLocation(attribute, 0) ?? nameLocation,
                        display,
                        AttributeName,
                        $"two states of {states.ToDisplayString()} have the value {value}: each state needs its own"));
                    return Failed(diagnostics);
                }
            }

            bool stateEnter = false;
            bool handleEvent = false;
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                if (named.Key == "StateEnter" && named.Value.Value is bool enter)
                {
                    stateEnter = enter;
                }
                else if (named.Key == "Mode" && named.Value.Value is int mode)
                {
                    handleEvent = mode == 1;
                }
            }

            var reader = new Reader(type, states, compilation, stateEnter, handleEvent, diagnostics);
            reader.ReadMembers(cancellationToken);
            EquatableArray<EventModel> events = reader.BuildEvents();
            if (reader.Init is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(StateMachineDiagnostics.MissingInit, nameLocation, display, states.ToDisplayString()));
            }

            if (diagnostics.Count > 0)
            {
                return Failed(diagnostics);
            }

            var model = new StateMachineModel(
                HierarchyInfo.From(type),
                IsPublic(type) ? "public" : "internal",
                states.ToTypeName(),
                reader.StateNames.ToEquatableArray(),
                stateEnter,
                handleEvent,
                HasDefaultConstructor(type),
                reader.Init!,
                reader.Terminate,
                events,
                reader.Handlers.ToEquatableArray(),
                reader.EnumReplies());
            return new Result<StateMachineModel>(model, default);
        }

        private static Result<StateMachineModel> Failed(params DiagnosticInfo[] diagnostics) => new(null, new EquatableArray<DiagnosticInfo>(diagnostics));

        private static Result<StateMachineModel> Failed(List<DiagnosticInfo> diagnostics) => new(null, diagnostics.ToEquatableArray());

        private static void CheckPartial(INamedTypeSymbol type, TypeDeclarationSyntax syntax, List<DiagnosticInfo> diagnostics)
        {
            if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(ServerDiagnostics.ServerNotPartial, syntax.Identifier.GetLocation(), type.ToDisplayString()));
            }

            for (SyntaxNode? parent = syntax.Parent; parent is TypeDeclarationSyntax outer; parent = parent.Parent)
            {
                if (!outer.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    diagnostics.Add(DiagnosticInfo.Create(ServerDiagnostics.ServerNotPartial, outer.Identifier.GetLocation(), outer.Identifier.ValueText));
                }
            }
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

        private static bool HasDefaultConstructor(INamedTypeSymbol type)
        {
            foreach (IMethodSymbol constructor in type.InstanceConstructors)
            {
                if (constructor.Parameters.Length == 0 && constructor.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal)
                {
                    return true;
                }
            }

            return false;
        }

        private static Location? AttributeArgumentLocation(AttributeData attribute, int index) =>
            attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax { ArgumentList: { } list } && list.Arguments.Count > index
                ? list.Arguments[index].GetLocation()
                : attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation();

        /// <summary>Reads the methods of one class.</summary>
        private sealed class Reader
        {
            private readonly INamedTypeSymbol _type;
            private readonly INamedTypeSymbol _states;
            private readonly Compilation _compilation;
            private readonly bool _stateEnter;
            private readonly bool _handleEvent;
            private readonly List<DiagnosticInfo> _diagnostics;
            private readonly Dictionary<long, string> _stateByValue = new();
            private readonly List<EventBuilder> _events = new();
            private readonly Dictionary<string, string> _handled = new(System.StringComparer.Ordinal);

            public Reader(INamedTypeSymbol type, INamedTypeSymbol states, Compilation compilation, bool stateEnter, bool handleEvent, List<DiagnosticInfo> diagnostics)
            {
                _type = type;
                _states = states;
                _compilation = compilation;
                _stateEnter = stateEnter;
                _handleEvent = handleEvent;
                _diagnostics = diagnostics;
                foreach (ISymbol member in states.GetMembers())
                {
                    if (member is IFieldSymbol { HasConstantValue: true } field)
                    {
                        StateNames.Add(field.Name);
                        long value = System.Convert.ToInt64(field.ConstantValue, System.Globalization.CultureInfo.InvariantCulture);
                        if (!_stateByValue.ContainsKey(value))
                        {
                            _stateByValue[value] = field.Name;
                        }
                    }
                }
            }

            public List<string> StateNames { get; } = new();

            public List<HandlerModel> Handlers { get; } = new();

            public CallbackModel? Init { get; private set; }

            public CallbackModel? Terminate { get; private set; }

            private string StatesDisplay => _states.ToDisplayString();

            public void ReadMembers(CancellationToken cancellationToken)
            {
                foreach (ISymbol member in _type.GetMembers())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary } method)
                    {
                        continue;
                    }

                    var kinds = new List<(HandlerKind Kind, AttributeData Attribute)>();
                    bool init = false;
                    bool terminate = false;
                    foreach (AttributeData attribute in method.GetAttributes())
                    {
                        if (attribute.AttributeClass is not { } c || c.ContainingNamespace?.ToDisplayString() != Ns || c.ContainingType is not null)
                        {
                            continue;
                        }

                        foreach ((string name, HandlerKind kind) in HandlerAttributes)
                        {
                            if (c.MetadataName == name)
                            {
                                kinds.Add((kind, attribute));
                            }
                        }

                        init |= c.MetadataName == "InitAttribute";
                        terminate |= c.MetadataName == "TerminateAttribute";
                    }

                    int count = kinds.Count + (init ? 1 : 0) + (terminate ? 1 : 0);
                    if (count == 0)
                    {
                        continue;
                    }

                    string label = init ? "Init" : terminate ? "Terminate" : AttributeLabel(kinds[0].Kind);
                    if (count > 1)
                    {
                        NotSupported(method, label, "a method handles one kind of event: use one of [Init], [Terminate], [Call], [Cast], [Info], [Internal], [Enter], [StateTimeout], [EventTimeout], [GenericTimeout]");
                        continue;
                    }

                    if (!CheckMethod(method, label))
                    {
                        continue;
                    }

                    if (init)
                    {
                        ReadInit(method);
                    }
                    else if (terminate)
                    {
                        ReadTerminate(method);
                    }
                    else
                    {
                        ReadHandler(method, kinds[0].Kind, kinds[0].Attribute);
                    }
                }
            }

            private static string AttributeLabel(HandlerKind kind) => kind.ToString();

            private static Location MethodLocation(IMethodSymbol method) => method.Locations.FirstOrDefault() ?? Location.None;

            private void NotSupported(IMethodSymbol method, string label, string reason) =>
                _diagnostics.Add(DiagnosticInfo.Create(ServerDiagnostics.HandlerNotSupported, MethodLocation(method), label, method.Name, reason));

            /// <summary>The checks every callback passes: an instance method, not generic, no ref parameters.</summary>
            private bool CheckMethod(IMethodSymbol method, string label)
            {
                if (method.IsStatic)
                {
                    NotSupported(method, label, "it must be an instance method (the machine's fields are its data)");
                    return false;
                }

                if (method.IsGenericMethod)
                {
                    NotSupported(method, label, "generic handlers are not supported");
                    return false;
                }

                foreach (IParameterSymbol parameter in method.Parameters)
                {
                    if (parameter.RefKind != RefKind.None)
                    {
                        NotSupported(method, label, $"parameter '{parameter.Name}' is ref, out or in: events are copied, not shared");
                        return false;
                    }
                }

                return true;
            }

            private bool IsState(ITypeSymbol type) => SymbolEqualityComparer.Default.Equals(type, _states);

            private static bool IsContext(ITypeSymbol type) => type.Is(BehavioursNs, "GenStatemContext");

            /// <summary>What <paramref name="type"/> is, once awaited: void, a transition, a tuple of transition and reply, or some other value.</summary>
            private (ReturnKind Kind, bool Awaited, ITypeSymbol? Value, string? Problem) AnalyzeReturn(ITypeSymbol type)
            {
                bool awaited = false;
                if (type is INamedTypeSymbol named && (named.Is("System.Threading.Tasks", "Task") || named.Is("System.Threading.Tasks", "ValueTask")))
                {
                    return (ReturnKind.Void, true, null, null);
                }

                if (type is INamedTypeSymbol generic && (generic.Is("System.Threading.Tasks", "Task`1") || generic.Is("System.Threading.Tasks", "ValueTask`1")))
                {
                    type = generic.TypeArguments[0];
                    awaited = true;
                }

                if (type.SpecialType == SpecialType.System_Void)
                {
                    return (ReturnKind.Void, awaited, null, null);
                }

                if (IsTransition(type, out string? problem))
                {
                    return (ReturnKind.Transition, awaited, null, problem);
                }

                if (type is INamedTypeSymbol { IsTupleType: true, TupleElements.Length: 2 } tuple && IsTransition(tuple.TupleElements[0].Type, out problem))
                {
                    return (ReturnKind.TransitionAndReply, awaited, tuple.TupleElements[1].Type, problem);
                }

                return (ReturnKind.Reply, awaited, type, null);
            }

            private bool IsTransition(ITypeSymbol type, out string? problem)
            {
                problem = null;
                if (type is not INamedTypeSymbol { Arity: 1 } named || !named.Is(BehavioursNs, "Transition`1"))
                {
                    return false;
                }

                if (!IsState(named.TypeArguments[0]))
                {
                    problem = $"it returns {named.ToDisplayString()}, but the states are {StatesDisplay}";
                }

                return true;
            }

            private void ReadInit(IMethodSymbol method)
            {
                if (Init is not null)
                {
                    NotSupported(method, "Init", "a state machine has one [Init] method");
                    return;
                }

                var arguments = new List<ArgumentModel>();
                foreach (IParameterSymbol parameter in method.Parameters)
                {
                    if (!IsContext(parameter.Type))
                    {
                        NotSupported(method, "Init", $"its only parameter may be the GenStatemContext, not '{parameter.Name}'");
                        return;
                    }

                    arguments.Add(new ArgumentModel(ArgumentKind.Context, null, null));
                }

                (ReturnKind kind, bool awaited, ITypeSymbol? value, string? problem) = AnalyzeReturn(method.ReturnType);
                if (kind == ReturnKind.Reply && value is not null && IsState(value))
                {
                    kind = ReturnKind.State;
                }
                else if (kind != ReturnKind.Transition || problem is not null)
                {
                    NotSupported(method, "Init", problem ?? $"it must return the initial state (a {StatesDisplay}) or a Transition<{StatesDisplay}> (Next(state) with actions), or a Task or ValueTask of one");
                    return;
                }

                Init = new CallbackModel(SymbolExtensions.EscapeIdentifier(method.Name), arguments.ToEquatableArray(), kind, awaited);
            }

            private void ReadTerminate(IMethodSymbol method)
            {
                if (Terminate is not null)
                {
                    NotSupported(method, "Terminate", "a state machine has one [Terminate] method");
                    return;
                }

                var arguments = new List<ArgumentModel>();
                foreach (IParameterSymbol parameter in method.Parameters)
                {
                    if (IsContext(parameter.Type))
                    {
                        arguments.Add(new ArgumentModel(ArgumentKind.Context, null, null));
                    }
                    else if (IsState(parameter.Type))
                    {
                        arguments.Add(new ArgumentModel(ArgumentKind.State, null, null));
                    }
                    else if (parameter.Type.Is(Ns, "ExitReason"))
                    {
                        arguments.Add(new ArgumentModel(ArgumentKind.Reason, null, null));
                    }
                    else
                    {
                        NotSupported(method, "Terminate", $"it may take the ExitReason, the state and the GenStatemContext, not '{parameter.Name}'");
                        return;
                    }
                }

                (ReturnKind kind, bool awaited, _, _) = AnalyzeReturn(method.ReturnType);
                if (kind != ReturnKind.Void)
                {
                    NotSupported(method, "Terminate", "it must return void, Task or ValueTask");
                    return;
                }

                Terminate = new CallbackModel(SymbolExtensions.EscapeIdentifier(method.Name), arguments.ToEquatableArray(), kind, awaited);
            }

            private void ReadHandler(IMethodSymbol method, HandlerKind kind, AttributeData kindAttribute)
            {
                string label = AttributeLabel(kind);
                Location location = MethodLocation(method);
                int errors = _diagnostics.Count;

                // Which states: [AnyState], [InState(...)], the method's name, or (handle_event mode) all.
                bool any = _handleEvent || method.HasAttribute(Ns, "AnyStateAttribute");
                var states = new List<string>();
                bool namedAfterState = false;
                bool inState = false;
                foreach (AttributeData attribute in method.GetAttributes())
                {
                    if (attribute.AttributeClass is { } c && c.Is(Ns, "InStateAttribute") && attribute.ConstructorArguments.Length == 1)
                    {
                        inState = true;
                        TypedConstant argument = attribute.ConstructorArguments[0];
                        if (argument.Type is { } t && IsState(t) && argument.Value is { } value
                            && _stateByValue.TryGetValue(System.Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture), out string? state))
                        {
                            if (!states.Contains(state))
                            {
                                states.Add(state);
                            }
                        }
                        else
                        {
                            _diagnostics.Add(DiagnosticInfo.Create(
                                StateMachineDiagnostics.UnknownState,
                                AttributeArgumentLocation(attribute, 0) ?? location,
                                method.Name,
                                argument.IsNull ? "null" : argument.ToCSharpString(),
                                StatesDisplay));
                        }
                    }
                }

                if (inState)
                {
                    any = false;
                }
                else if (!any)
                {
                    if (StateNames.Contains(method.Name))
                    {
                        states.Add(method.Name);
                        namedAfterState = true;
                    }
                    else
                    {
                        _diagnostics.Add(DiagnosticInfo.Create(StateMachineDiagnostics.UnknownState, location, method.Name, method.Name, StatesDisplay));
                    }
                }

                if (kind == HandlerKind.Enter && !_stateEnter)
                {
                    _diagnostics.Add(DiagnosticInfo.Create(StateMachineDiagnostics.EnterWithoutStateEnter, location, method.Name, _type.ToDisplayString()));
                }

                // The event's name, for calls and casts.
                string? eventName = null;
                if (kind is HandlerKind.Call or HandlerKind.Cast)
                {
                    foreach (AttributeData attribute in method.GetAttributes())
                    {
                        if (attribute.AttributeClass is { } c && c.Is(Ns, "EventAttribute") && attribute.ConstructorArguments.Length == 1)
                        {
                            eventName = attribute.ConstructorArguments[0].Value as string;
                            if (eventName is null || !SyntaxFacts.IsValidIdentifier(eventName))
                            {
                                NotSupported(method, label, $"the event name '{eventName}' is not a C# identifier");
                                return;
                            }
                        }
                    }

                    if (eventName is null)
                    {
                        if (namedAfterState)
                        {
                            _diagnostics.Add(DiagnosticInfo.Create(StateMachineDiagnostics.EventNameRequired, location, label, method.Name));
                            return;
                        }

                        eventName = method.Name;
                    }
                }

                string? timeoutName = null;
                if (kind == HandlerKind.GenericTimeout)
                {
                    timeoutName = kindAttribute.ConstructorArguments.Length == 1 ? kindAttribute.ConstructorArguments[0].Value as string : null;
                    if (timeoutName is null)
                    {
                        NotSupported(method, label, "the timeout's name is null");
                        return;
                    }
                }

                // Parameters.
                var arguments = new List<ArgumentModel>();
                var fields = new List<(IParameterSymbol Parameter, PayloadFieldModel Field)>();
                var taken = new HashSet<string>(System.StringComparer.Ordinal) { eventName + "Event" };
                string? contentType = null;
                bool sawState = false;
                bool sawOld = false;
                bool sawContent = false;
                bool sawOther = false;
                ITypeSymbol? caller = null;
                Location? callerLocation = null;
                for (int i = 0; i < method.Parameters.Length; i++)
                {
                    IParameterSymbol parameter = method.Parameters[i];
                    if (IsContext(parameter.Type))
                    {
                        arguments.Add(new ArgumentModel(ArgumentKind.Context, null, null));
                        continue;
                    }

                    if ((_handleEvent || any) && !sawState && !sawOther && IsState(parameter.Type))
                    {
                        // handle_event mode and [AnyState] handlers: a first parameter of the state type is the current state.
                        sawState = true;
                        arguments.Add(new ArgumentModel(ArgumentKind.State, null, null));
                        continue;
                    }

                    sawOther = true;

                    switch (kind)
                    {
                        case HandlerKind.Enter:
                            if (sawOld || !IsState(parameter.Type))
                            {
                                NotSupported(method, label, $"a state enter handler may take the previous state (a {StatesDisplay}) and the GenStatemContext, not '{parameter.Name}'");
                                return;
                            }

                            sawOld = true;
                            arguments.Add(new ArgumentModel(ArgumentKind.OldState, null, null));
                            break;
                        case HandlerKind.StateTimeout or HandlerKind.EventTimeout or HandlerKind.GenericTimeout or HandlerKind.Info or HandlerKind.Internal:
                            if (sawContent)
                            {
                                NotSupported(method, label, kind is HandlerKind.Info or HandlerKind.Internal
                                    ? "it takes the message as its single parameter (and, optionally, the GenStatemContext)"
                                    : "it may take the timeout's content as its single parameter (and, optionally, the GenStatemContext)");
                                return;
                            }

                            sawContent = true;
                            contentType = parameter.Type.SpecialType == SpecialType.System_Object ? null : parameter.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToTypeName();
                            arguments.Add(new ArgumentModel(ArgumentKind.Content, null, contentType));
                            break;
                        default:
                            if (parameter.Type is INamedTypeSymbol { Arity: 1 } callerType && callerType.Is(BehavioursNs, "Caller`1"))
                            {
                                if (kind != HandlerKind.Call || caller is not null)
                                {
                                    NotSupported(method, label, "only a [Call] handler takes a Caller, and only one");
                                    return;
                                }

                                caller = callerType.TypeArguments[0];
                                callerLocation = parameter.Locations.FirstOrDefault();
                                arguments.Add(new ArgumentModel(ArgumentKind.Caller, null, caller.ToTypeName()));
                                break;
                            }

                            PayloadFieldModel? field = PayloadFields.From(parameter, _compilation, taken, out string? problem);
                            if (field is null)
                            {
                                _diagnostics.Add(DiagnosticInfo.Create(
                                    ServerDiagnostics.ValueHasNoFormatter,
                                    parameter.Locations.FirstOrDefault() ?? location,
                                    $"Parameter '{parameter.Name}'",
                                    method.ToDisplayString(),
                                    parameter.Type.ToDisplayString(),
                                    problem ?? "unsupported type"));
                                continue;
                            }

                            fields.Add((parameter, field));
                            arguments.Add(new ArgumentModel(ArgumentKind.Field, field.PropertyName, null));
                            break;
                    }
                }

                if (kind is HandlerKind.Info or HandlerKind.Internal && !sawContent)
                {
                    NotSupported(method, label, "it takes the message as its single parameter (and, optionally, the GenStatemContext)");
                    return;
                }

                // Return type.
                (ReturnKind returns, bool awaited, ITypeSymbol? reply, string? returnProblem) = AnalyzeReturn(method.ReturnType);
                if (returnProblem is not null)
                {
                    NotSupported(method, label, returnProblem);
                    return;
                }

                string? replyType = null;
                if (kind == HandlerKind.Call)
                {
                    if (caller is not null)
                    {
                        if (returns is not (ReturnKind.Void or ReturnKind.Transition))
                        {
                            NotSupported(method, label, "it takes a Caller to reply with, so it returns void or a Transition (or a Task or ValueTask of one), not the reply");
                            return;
                        }

                        reply = caller;
                    }
                    else if (returns == ReturnKind.Void)
                    {
                        _diagnostics.Add(DiagnosticInfo.Create(ServerDiagnostics.CallReturnsVoid, location, method.Name));
                        return;
                    }

                    if (reply is not null)
                    {
                        if (PartisanMessageGenerator.Parser.Classify(reply, _compilation, out string? problem) is null)
                        {
                            _diagnostics.Add(DiagnosticInfo.Create(
                                ServerDiagnostics.ValueHasNoFormatter,
                                (caller is not null ? callerLocation : ReturnTypeLocation(method)) ?? location,
                                "The reply",
                                method.ToDisplayString(),
                                reply.ToDisplayString(),
                                problem ?? "unsupported type"));
                            return;
                        }

                        replyType = reply.ToTypeName();
                        ITypeSymbol replied = reply is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
                            ? nullable.TypeArguments[0] // a nullable enum travels as the enum
                            : reply;
                        if (replied.TypeKind == TypeKind.Enum)
                        {
                            _enumReplies.Add(replied.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToTypeName());
                        }
                    }
                }
                else if (returns is ReturnKind.Reply or ReturnKind.TransitionAndReply)
                {
                    if (kind == HandlerKind.Cast)
                    {
                        _diagnostics.Add(DiagnosticInfo.Create(ServerDiagnostics.CastReturnsValue, location, method.Name, method.ReturnType.ToDisplayString()));
                    }
                    else
                    {
                        NotSupported(method, label, $"it returns '{method.ReturnType.ToDisplayString()}': return void, a Transition<{StatesDisplay}>, or a Task or ValueTask of one");
                    }

                    return;
                }

                if (_diagnostics.Count > errors)
                {
                    return;
                }

                string what = Describe(kind, eventName, timeoutName, contentType);
                foreach (string state in any ? new List<string> { "*" } : states)
                {
                    string key = state + "\n" + what;
                    if (_handled.TryGetValue(key, out string? other))
                    {
                        _diagnostics.Add(DiagnosticInfo.Create(
                            StateMachineDiagnostics.DuplicateHandler,
                            location,
                            method.Name,
                            what,
                            state == "*" ? "every state" : "state " + state,
                            other));
                        return;
                    }

                    _handled[key] = method.Name;
                }

                if (eventName is "Node" or "Machine" or "StopAsync" || (eventName == "Stop" && kind == HandlerKind.Call)
                    || (kind != HandlerKind.Call && eventName is "Monitor" or "ToRemoteRef" or "ToString" or "Equals" or "GetHashCode" or "GetType"))
                {
                    NotSupported(method, label, $"the event name '{eventName}' would clash with a member of the typed client: name the event otherwise with [Event(\"...\")]");
                    return;
                }

                if (eventName is not null && !AddEvent(method, eventName, kind == HandlerKind.Call, fields, replyType))
                {
                    return;
                }

                Handlers.Add(new HandlerModel(
                    SymbolExtensions.EscapeIdentifier(method.Name),
                    kind,
                    any ? default : states.ToEquatableArray(),
                    eventName,
                    timeoutName,
                    contentType,
                    arguments.ToEquatableArray(),
                    returns,
                    awaited));
            }

            private readonly SortedSet<string> _enumReplies = new(System.StringComparer.Ordinal);

            public EquatableArray<string> EnumReplies() => _enumReplies.ToList().ToEquatableArray();

            private static Location? ReturnTypeLocation(IMethodSymbol method) =>
                method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is MethodDeclarationSyntax declaration ? declaration.ReturnType.GetLocation() : null;

            private static string Describe(HandlerKind kind, string? eventName, string? timeoutName, string? contentType) => kind switch
            {
                HandlerKind.Call => $"the call '{eventName}'",
                HandlerKind.Cast => $"the cast '{eventName}'",
                HandlerKind.Info => $"info messages of type '{contentType}'",
                HandlerKind.Internal => $"internal events of type '{contentType}'",
                HandlerKind.Enter => "the state enter call",
                HandlerKind.StateTimeout => "the state timeout",
                HandlerKind.EventTimeout => "the event timeout",
                _ => $"the generic timeout '{timeoutName}'",
            };

            /// <summary>Adds the handler's event, or checks it against the handlers of the same event seen before.</summary>
            private bool AddEvent(IMethodSymbol method, string name, bool isCall, List<(IParameterSymbol Parameter, PayloadFieldModel Field)> fields, string? replyType)
            {
                EventBuilder? existing = _events.FirstOrDefault(e => e.Name == name);
                if (existing is null)
                {
                    _events.Add(new EventBuilder(name, isCall, method.Name, MethodLocation(method), fields.Select(f => f.Field).ToList(), replyType));
                    return true;
                }

                string? problem =
                    existing.IsCall != isCall ? (isCall ? "one is a [Call], the other a [Cast]" : "one is a [Cast], the other a [Call]") :
                    !SameTypes(existing.Fields, fields.Select(f => f.Field).ToList()) ? "their event parameters differ (the same types, in the same order, make one event message)" :
                    replyType is not null && existing.ReplyType is not null && replyType != existing.ReplyType ? $"it replies '{replyType}', the other '{existing.ReplyType}'" :
                    null;
                if (problem is not null)
                {
                    _diagnostics.Add(DiagnosticInfo.Create(StateMachineDiagnostics.EventMismatch, MethodLocation(method), method.Name, name, existing.FirstMethod, problem));
                    return false;
                }

                existing.ReplyType ??= replyType;
                return true;
            }

            private static bool SameTypes(List<PayloadFieldModel> a, List<PayloadFieldModel> b)
            {
                if (a.Count != b.Count)
                {
                    return false;
                }

                for (int i = 0; i < a.Count; i++)
                {
                    if (a[i].Type.TypeName != b[i].Type.TypeName)
                    {
                        return false;
                    }
                }

                return true;
            }

            public EquatableArray<EventModel> BuildEvents()
            {
                var events = new List<EventModel>();
                foreach (EventBuilder e in _events)
                {
                    if (e.IsCall && e.ReplyType is null)
                    {
                        _diagnostics.Add(DiagnosticInfo.Create(StateMachineDiagnostics.CallNeverReplies, e.FirstLocation, e.Name, StatesDisplay));
                        continue;
                    }

                    string summary = $"The <c>{e.Name}</c> event of <see cref=\"{_type.Name}\"/> (a {(e.IsCall ? "call" : "cast")}).";
                    events.Add(new EventModel(e.Name, e.IsCall, e.ReplyType, new PayloadModel(e.Name + "Event", summary, e.Fields.ToEquatableArray())));
                }

                return events.ToEquatableArray();
            }

            private sealed class EventBuilder(string name, bool isCall, string firstMethod, Location firstLocation, List<PayloadFieldModel> fields, string? replyType)
            {
                public Location FirstLocation { get; } = firstLocation;

                public string Name { get; } = name;

                public bool IsCall { get; } = isCall;

                public string FirstMethod { get; } = firstMethod;

                public List<PayloadFieldModel> Fields { get; } = fields;

                public string? ReplyType { get; set; } = replyType;
            }
        }
    }
}
