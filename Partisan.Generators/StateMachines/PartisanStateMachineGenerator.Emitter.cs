using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Partisan.Generators.Helpers;
using Partisan.Generators.Payloads;
using Partisan.Generators.StateMachines.Model;

namespace Partisan.Generators.StateMachines;

public sealed partial class PartisanStateMachineGenerator
{
    /// <summary>Turns a <see cref="StateMachineModel"/> into two files: the machine's own part, and its client.</summary>
    internal static class Emitter
    {
        private const string Behaviours = "global::Partisan.";
        private const string Partisan = "global::Partisan.";
        private const string Tasks = "global::System.Threading.Tasks.";
        private const string EventType = Behaviours + "EventType.";

        private static readonly string GeneratedCode =
            "[global::System.CodeDom.Compiler.GeneratedCode(\"" + GeneratorInfo.ToolName + "\", \"" + GeneratorInfo.Version + "\")]";

        public static void Emit(SourceProductionContext context, StateMachineModel model)
        {
            context.AddSource(model.StateMachineHintName, EmitMachine(model));
            context.AddSource(model.ClientHintName, EmitClient(model));
        }

        /// <summary>Names used throughout one machine's code.</summary>
        private sealed class Names(StateMachineModel model)
        {
            public string State { get; } = model.StateType;

            public string Machine { get; } = model.Hierarchy.FullyQualifiedName;

            public string Transition { get; } = $"{Behaviours}Transition<{model.StateType}, {model.Hierarchy.FullyQualifiedName}>";

            public string Short { get; } = $"{Behaviours}Transition<{model.StateType}>";

            public string Interface { get; } = $"{Behaviours}IGenStatem<{model.StateType}, {model.Hierarchy.FullyQualifiedName}>";

            public string Client { get; } = model.Hierarchy.SiblingFullName("Client");

            public string Cref { get; } = model.Hierarchy.NestedIdentifiers(".");
        }

        internal static Microsoft.CodeAnalysis.Text.SourceText EmitMachine(StateMachineModel model)
        {
            var n = new Names(model);
            var w = new SourceWriter();
            w.WriteLine(GeneratorInfo.FileHeader);
            w.WriteLine();
            model.Hierarchy.WriteOpen(w, reopenContainingTypes: true);
            w.WriteLine($"/// <summary>The generated part of the <see cref=\"{model.Hierarchy.Type.Identifier}\"/> state machine: OTP gen_statem callbacks, transition helpers, start helpers and event messages.</summary>");
            w.OpenBlock($"partial {model.Hierarchy.Type.Keyword} {model.Hierarchy.Type.Name} : {n.Interface}");

            WriteHelpers(w, n);
            WriteStart(w, model, n);
            WriteCallbacks(w, model, n);
            WriteDispatch(w, model, n);
            WriteRegistration(w, model);
            foreach (EventModel e in model.Events)
            {
                w.WriteLine();
                PayloadEmitter.Write(w, e.Payload);
            }

            w.CloseBlock();
            model.Hierarchy.WriteClose(w, reopenContainingTypes: true);
            return w.ToSourceText();
        }

        private static void WriteHelpers(SourceWriter w, Names n)
        {
            w.WriteLine($$"""
                /// <summary>Go to <paramref name="state"/> (OTP's <c>next_state</c>); the fluent methods add actions.</summary>
                {{GeneratedCode}}
                private static {{n.Short}} Next({{n.State}} state) => {{n.Short}}.Next(state);

                /// <summary>Stay in the current state (OTP's <c>keep_state_and_data</c>); the fluent methods add actions.</summary>
                {{GeneratedCode}}
                private static {{n.Short}} Keep() => default;

                /// <summary>Stay, as if re-entering the state: the enter handler runs again and postponed events are retried (OTP's <c>repeat_state_and_data</c>).</summary>
                {{GeneratedCode}}
                private static {{n.Short}} Repeat() => {{n.Short}}.Repeat();

                /// <summary>Stop with <paramref name="reason"/> (OTP's <c>stop</c>); terminate runs, then the machine exits.</summary>
                {{GeneratedCode}}
                private static {{n.Short}} Stop({{Partisan}}ExitReason reason) => {{n.Short}}.Stop(reason);
                """);
        }

        private static void WriteStart(SourceWriter w, StateMachineModel model, Names n)
        {
            string start = $"{Behaviours}GenStatem.StartAsync<{n.State}, {n.Machine}>";
            string monitor = $"{Behaviours}GenStatem.StartMonitorAsync<{n.State}, {n.Machine}>";
            if (model.HasDefaultConstructor)
            {
                w.WriteLine();
                w.WriteLine($$"""
                    /// <summary>Starts the machine on <paramref name="node"/>, optionally registered as <paramref name="name"/>; returns its pid once init has completed.</summary>
                    /// <exception cref="{{Behaviours}}GenServerStartException">Init threw; the machine exited.</exception>
                    {{GeneratedCode}}
                    public static {{Tasks}}Task<{{Partisan}}Pid> StartAsync({{Partisan}}PartisanNode node, string? name = null) =>
                        {{start}}(node, static () => new {{n.Machine}}(), name);

                    /// <summary>Starts the machine and monitors it for <paramref name="watcher"/> (OTP's <c>start_monitor</c>).</summary>
                    {{GeneratedCode}}
                    public static {{Tasks}}Task<({{Partisan}}Pid Pid, {{Partisan}}Ref Monitor)> StartMonitorAsync({{Partisan}}PartisanNode node, {{Partisan}}Pid watcher, string? name = null) =>
                        {{monitor}}(node, watcher, static () => new {{n.Machine}}(), name);
                    """);
            }

            w.WriteLine();
            w.WriteLine($$"""
                /// <summary>Starts a machine made by <paramref name="factory"/> on <paramref name="node"/>, optionally registered as <paramref name="name"/>; returns its pid once init has completed.</summary>
                /// <exception cref="{{Behaviours}}GenServerStartException">Init threw; the machine exited.</exception>
                {{GeneratedCode}}
                public static {{Tasks}}Task<{{Partisan}}Pid> StartAsync({{Partisan}}PartisanNode node, global::System.Func<{{n.Machine}}> factory, string? name = null) =>
                    {{start}}(node, factory ?? throw new global::System.ArgumentNullException(nameof(factory)), name);

                /// <summary>Starts a machine made by <paramref name="factory"/> and monitors it for <paramref name="watcher"/> (OTP's <c>start_monitor</c>).</summary>
                {{GeneratedCode}}
                public static {{Tasks}}Task<({{Partisan}}Pid Pid, {{Partisan}}Ref Monitor)> StartMonitorAsync({{Partisan}}PartisanNode node, {{Partisan}}Pid watcher, global::System.Func<{{n.Machine}}> factory, string? name = null) =>
                    {{monitor}}(node, watcher, factory ?? throw new global::System.ArgumentNullException(nameof(factory)), name);

                /// <summary>A typed client that sends this machine's events to <paramref name="machine"/> (a pid or a registered name, on any node) from <paramref name="node"/>.</summary>
                /// <param name="node">The node the events are sent from.</param>
                /// <param name="machine">The state machine.</param>
                /// <param name="options">The channel and partition key of every event.</param>
                {{GeneratedCode}}
                public static {{n.Client}} Client({{Partisan}}PartisanNode node, {{Partisan}}ProcessRef machine, {{Partisan}}ForwardOptions options = default) =>
                    new {{n.Client}}(node, machine, options);

                /// <summary>A typed client for the machine <paramref name="machine"/>, given as a remote reference (tuple or URI form).</summary>
                /// <param name="node">The node the events are sent from.</param>
                /// <param name="machine">A pid or registered-name reference.</param>
                /// <param name="options">The channel and partition key of every event.</param>
                {{GeneratedCode}}
                public static {{n.Client}} Client({{Partisan}}PartisanNode node, {{Partisan}}RemoteRef machine, {{Partisan}}ForwardOptions options = default) =>
                    new {{n.Client}}(node, machine.ToProcessRef(), options);
                """);
        }

        private static void WriteCallbacks(SourceWriter w, StateMachineModel model, Names n)
        {
            string context = $"{Behaviours}GenStatemContext context";
            w.WriteLine();
            w.WriteLine($"{GeneratedCode}");
            w.WriteLine($"bool {n.Interface}.StateEnter => {(model.StateEnter ? "true" : "false")};");

            // init
            CallbackModel init = model.Init;
            string call = $"this.{init.Method}({Arguments(init.Arguments, n)})";
            string awaitedCall = init.Awaited ? $"await {call}.ConfigureAwait(false)" : call;
            string result = init.Return == ReturnKind.State ? $"{n.Transition}.Next({awaitedCall}, this)" : $"({awaitedCall}).WithData(this)";
            w.WriteLine();
            w.WriteLine(GeneratedCode);
            if (init.Awaited)
            {
                w.OpenBlock($"async {Tasks}ValueTask<{n.Transition}> {n.Interface}.InitAsync({context})");
                w.WriteLine($"return {result};");
                w.CloseBlock();
            }
            else
            {
                w.WriteLine($"{Tasks}ValueTask<{n.Transition}> {n.Interface}.InitAsync({context}) => new {Tasks}ValueTask<{n.Transition}>({result});");
            }

            // handle_event
            bool async = model.Handlers.Any(h => h.Awaited);
            w.WriteLine();
            w.WriteLine(GeneratedCode);
            string handle = $"{Tasks}ValueTask<{n.Transition}> {n.Interface}.HandleEventAsync({Behaviours}StatemEvent @event, {n.State} state, {n.Machine} data, {context})";
            w.WriteLine(async
                ? $"{handle} => this.PartisanDispatchAsync(@event, state, context);"
                : $"{handle} => new {Tasks}ValueTask<{n.Transition}>(this.PartisanDispatch(@event, state, context));");

            // terminate
            string terminate = $"{Tasks}ValueTask {n.Interface}.TerminateAsync({Partisan}ExitReason reason, {n.State} state, {n.Machine} data, {context})";
            w.WriteLine();
            w.WriteLine(GeneratedCode);
            if (model.Terminate is not { } t)
            {
                w.WriteLine($"{terminate} => default;");
            }
            else if (t.Awaited)
            {
                w.OpenBlock($"async {terminate}");
                w.WriteLine($"await this.{t.Method}({Arguments(t.Arguments, n)}).ConfigureAwait(false);");
                w.CloseBlock();
            }
            else
            {
                w.OpenBlock(terminate);
                w.WriteLine($"this.{t.Method}({Arguments(t.Arguments, n)});");
                w.WriteLine("return default;");
                w.CloseBlock();
            }
        }

        private static void WriteDispatch(SourceWriter w, StateMachineModel model, Names n)
        {
            bool async = model.Handlers.Any(h => h.Awaited);
            w.WriteLine();
            w.WriteLine("/// <summary>Finds the handler of <paramref name=\"event\"/> in <paramref name=\"state\"/>: one for that state first, then one for any state.</summary>");
            w.WriteLine(GeneratedCode);
            w.OpenBlock(async
                ? $"private async {Tasks}ValueTask<{n.Transition}> PartisanDispatchAsync({Behaviours}StatemEvent @event, {n.State} state, {Behaviours}GenStatemContext context)"
                : $"private {n.Transition} PartisanDispatch({Behaviours}StatemEvent @event, {n.State} state, {Behaviours}GenStatemContext context)");

            bool anyStateSpecific = false;
            foreach (string state in model.States)
            {
                anyStateSpecific |= model.Handlers.Any(h => h.States.Contains(state));
            }

            if (anyStateSpecific)
            {
                w.OpenBlock("switch (state)");
                foreach (string state in model.States)
                {
                    var handlers = model.Handlers.Where(h => h.States.Contains(state)).ToList();
                    if (handlers.Count == 0)
                    {
                        continue;
                    }

                    w.WriteLine($"case {n.State}.{SymbolExtensions.EscapeIdentifier(state)}:");
                    w.Indentation++;
                    WriteEventSwitch(w, model, n, handlers);
                    w.WriteLine();
                    w.WriteLine("break;");
                    w.Indentation--;
                }

                w.CloseBlock();
                w.WriteLine();
            }

            var common = model.Handlers.Where(h => h.States.IsEmpty).ToList();
            if (common.Count > 0)
            {
                WriteEventSwitch(w, model, n, common);
                w.WriteLine();
            }

            w.WriteLine("return PartisanUnhandled(@event, state);");
            w.CloseBlock();

            w.WriteLine();
            w.WriteLine($$"""
                /// <summary>No handler: a call fails (the caller gets a CallFailedException), anything else is dropped; the state stays.</summary>
                {{GeneratedCode}}
                private static {{n.Transition}} PartisanUnhandled({{Behaviours}}StatemEvent @event, {{n.State}} state) =>
                    @event.Type == {{EventType}}Call
                        ? {{n.Transition}}.KeepStateAndData.Fail(@event.From, new global::System.InvalidOperationException("{{model.Hierarchy.Type.Identifier}} does not handle " + (@event.Content?.GetType().Name ?? "null") + " calls in state " + state.ToString() + "."))
                        : {{n.Transition}}.KeepStateAndData;
                """);
        }

        private static void WriteEventSwitch(SourceWriter w, StateMachineModel model, Names n, List<HandlerModel> handlers)
        {
            w.OpenBlock("switch (@event.Type)");
            for (int i = 0; i < handlers.Count; i++)
            {
                if (i > 0)
                {
                    w.WriteLine();
                }

                w.WriteLine(CaseLabel(model, n, handlers[i]));
                w.OpenBlock();
                WriteInvocation(w, n, handlers[i]);
                w.CloseBlock();
            }

            w.CloseBlock();
        }

        private static string CaseLabel(StateMachineModel model, Names n, HandlerModel h)
        {
            string content = h.ContentType is null ? string.Empty : $"@event.Content is {h.ContentType} c";
            switch (h.Kind)
            {
                case HandlerKind.Call:
                case HandlerKind.Cast:
                    EventModel e = model.Events.First(x => x.Name == h.Event);
                    string variable = h.Arguments.Any(a => a.Kind == ArgumentKind.Field) ? " p" : string.Empty;
                    return $"case {EventType}{h.Kind} when @event.Content is {n.Machine}.{e.Payload.Name}{variable}:";
                case HandlerKind.GenericTimeout:
                    string name = SymbolDisplay.FormatLiteral(h.TimeoutName!, quote: true);
                    return $"case {EventType}GenericTimeout when @event.TimeoutName == {name}{(content.Length == 0 ? string.Empty : " && " + content)}:";
                default:
                    return content.Length == 0 ? $"case {EventType}{h.Kind}:" : $"case {EventType}{h.Kind} when {content}:";
            }
        }

        private static void WriteInvocation(SourceWriter w, Names n, HandlerModel h)
        {
            string call = $"this.{h.Method}({Arguments(h.Arguments, n)})";
            string value = h.Awaited ? $"await {call}.ConfigureAwait(false)" : call;
            switch (h.Return)
            {
                case ReturnKind.Void:
                    w.WriteLine(value + ";");
                    w.WriteLine($"return {n.Transition}.KeepStateAndData;");
                    break;
                case ReturnKind.Transition:
                    w.WriteLine($"return {(h.Awaited ? "(" + value + ")" : value)}.KeepingData<{n.Machine}>();");
                    break;
                case ReturnKind.Reply:
                    w.WriteLine($"return {n.Transition}.KeepStateAndData.Reply(@event.From, {value});");
                    break;
                default:
                    w.WriteLine($"var result = {value};");
                    w.WriteLine($"return result.Item1.KeepingData<{n.Machine}>().Reply(@event.From, result.Item2);");
                    break;
            }
        }

        private static string Arguments(EquatableArray<ArgumentModel> arguments, Names n)
        {
            var text = new StringBuilder();
            foreach (ArgumentModel argument in arguments)
            {
                if (text.Length > 0)
                {
                    text.Append(", ");
                }

                text.Append(argument.Kind switch
                {
                    ArgumentKind.State => "state",
                    ArgumentKind.Context => "context",
                    ArgumentKind.Field => "p." + argument.Field,
                    ArgumentKind.Content => argument.TypeName is null ? "@event.Content" : "c",
                    ArgumentKind.OldState => $"({n.State})@event.Content!",
                    ArgumentKind.Caller => $"new {Behaviours}Caller<{argument.TypeName}>(@event.From)",
                    _ => "reason",
                });
            }

            return text.ToString();
        }

        private static void WriteRegistration(SourceWriter w, StateMachineModel model)
        {
            if (model.Events.IsEmpty && model.EnumReplies.IsEmpty)
            {
                return;
            }

            w.WriteLine();
            w.WriteLine("/// <summary>Registers the formatters of this machine's event messages (and enum replies) with <see cref=\"global::Partisan.Serialization.TypeRegistry.Default\"/> when the module loads.</summary>");
            w.WriteLine(GeneratedCode);
            w.WriteLine("[global::System.Runtime.CompilerServices.ModuleInitializer]");
            w.OpenBlock("internal static void PartisanRegisterEvents()");
            w.WriteLine("global::Partisan.Serialization.TypeRegistry registry = global::Partisan.Serialization.TypeRegistry.Default;");
            foreach (EventModel e in model.Events)
            {
                w.WriteLine(PayloadEmitter.Registration(model.Hierarchy.FullyQualifiedName, e.Payload));
            }

            foreach (string type in model.EnumReplies)
            {
                w.WriteLine($"registry.RegisterDeferred(new global::Partisan.Serialization.EnumFormatter<{type}>());");
            }

            w.CloseBlock();
        }

        internal static Microsoft.CodeAnalysis.Text.SourceText EmitClient(StateMachineModel model)
        {
            var n = new Names(model);
            var w = new SourceWriter();
            w.WriteLine(GeneratorInfo.FileHeader);
            w.WriteLine();
            model.Hierarchy.WriteOpen(w, reopenContainingTypes: false);
            w.WriteLine($$"""
                /// <summary>
                /// A typed client of the <see cref="{{n.Cref}}"/> state machine: a method per event. Casts return at once;
                /// calls wait for the reply and fail with <see cref="{{Partisan}}CalleeDownException"/> when the machine or its
                /// node is down, or <see cref="{{Partisan}}CallTimeoutException"/> when no reply comes in time.
                /// </summary>
                {{GeneratedCode}}
                """);
            w.OpenBlock($"{model.Accessibility} sealed class {model.ClientName} : {Partisan}ProcessClient");
            w.WriteLine($$"""
                /// <summary>A client that sends events to <paramref name="machine"/> from <paramref name="node"/>.</summary>
                /// <param name="node">The node the events are sent from.</param>
                /// <param name="machine">The state machine: a pid or a registered name, on any node.</param>
                /// <param name="options">The channel and partition key of every event.</param>
                public {{model.ClientName}}({{Partisan}}PartisanNode node, {{Partisan}}ProcessRef machine, {{Partisan}}ForwardOptions options = default)
                    : base(node, machine, options)
                {
                }
                """);

            foreach (EventModel e in model.Events)
            {
                var parameters = new StringBuilder();
                var arguments = new StringBuilder();
                foreach (PayloadFieldModel field in e.Payload.Fields)
                {
                    parameters.Append(field.Type.TypeName).Append(' ').Append(field.ParameterName).Append(", ");
                    arguments.Append(arguments.Length == 0 ? string.Empty : ", ").Append(field.ParameterName);
                }

                string message = $"new {n.Machine}.{e.Payload.Name}({arguments})";
                w.WriteLine();
                if (!e.IsCall)
                {
                    w.WriteLine($$"""
                        /// <summary>Casts the <c>{{e.Name}}</c> event. Returns false when the machine's node is unknown or down (the event is dropped).</summary>
                        public bool {{e.Name}}({{parameters.ToString().TrimEnd(',', ' ')}}) =>
                            this.Cast({{message}});
                        """);
                    continue;
                }

                string task = $"{Tasks}Task<{e.ReplyType}>";
                string callAsync = $"this.CallAsync<{e.ReplyType}>";
                w.WriteLine($$"""
                    /// <summary>Calls the <c>{{e.Name}}</c> event and waits for the reply (timeout 5 s).</summary>
                    /// <exception cref="{{Partisan}}CalleeDownException">The machine is not running, exited, or its node went down.</exception>
                    /// <exception cref="{{Partisan}}CallTimeoutException">No reply within 5 s.</exception>
                    public {{task}} {{e.Name}}Async({{parameters}}global::System.Threading.CancellationToken cancellationToken = default) =>
                        {{callAsync}}({{message}}, null, cancellationToken);

                    /// <summary>Calls the <c>{{e.Name}}</c> event and waits up to <paramref name="timeout"/> for the reply.</summary>
                    /// <exception cref="{{Partisan}}CalleeDownException">The machine is not running, exited, or its node went down.</exception>
                    /// <exception cref="{{Partisan}}CallTimeoutException">No reply within <paramref name="timeout"/>.</exception>
                    public {{task}} {{e.Name}}Async({{parameters}}global::System.TimeSpan timeout, global::System.Threading.CancellationToken cancellationToken = default) =>
                        {{callAsync}}({{message}}, timeout, cancellationToken);
                    """);
            }

            w.CloseBlock();
            model.Hierarchy.WriteClose(w, reopenContainingTypes: false);
            return w.ToSourceText();
        }
    }
}
