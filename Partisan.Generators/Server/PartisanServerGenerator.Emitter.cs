using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Partisan.Generators.Helpers;
using Partisan.Generators.Payloads;
using Partisan.Generators.Server.Model;

namespace Partisan.Generators.Server;

public sealed partial class PartisanServerGenerator
{
    /// <summary>Pure functions from a <see cref="ServerModel"/> to source text.</summary>
    internal static class Emitter
    {
        private const string Behaviours = "global::Partisan.";
        private const string Partisan = "global::Partisan.";
        private const string Tasks = "global::System.Threading.Tasks.";
        private const string CallResult = Behaviours + "CallResult";

        public static void Emit(SourceProductionContext context, ServerModel model) => context.AddSource(model.HintName, Write(model));

        public static SourceText Write(ServerModel model)
        {
            var w = new SourceWriter();
            w.WriteLine(GeneratorInfo.FileHeader);
            w.WriteLine();
            model.Hierarchy.WriteOpen(w, reopenContainingTypes: false);
            w.OpenBlock($"partial {model.Hierarchy.Type.Keyword} {model.Hierarchy.Type.Name} : {Behaviours}IGenServer");
            foreach (HandlerModel handler in model.Handlers)
            {
                PayloadEmitter.Write(w, handler.Request);
                w.WriteLine();
            }

            WriteRegistration(w, model);
            w.WriteLine();
            WriteStartHelpers(w, model);
            w.WriteLine();
            WriteInit(w, model.Init);
            w.WriteLine();
            WriteCallDispatch(w, model);
            w.WriteLine();
            WriteCastDispatch(w, model);
            w.WriteLine();
            WriteInfoDispatch(w, model);
            w.WriteLine();
            WriteTerminate(w, model.Terminate);
            w.CloseBlock();
            w.WriteLine();
            WriteClient(w, model);
            model.Hierarchy.WriteClose(w, reopenContainingTypes: false);
            return w.ToSourceText();
        }

        private static void WriteRegistration(SourceWriter w, ServerModel model)
        {
            w.WriteLine($"""
                /// <summary>
                /// Registers the request types of <see cref="{model.Hierarchy.Type.Name}"/> with <paramref name="registry"/> (done for
                /// <see cref="global::Partisan.Serialization.TypeRegistry.Default"/> when the module loads; call it for a node with its own registry).
                /// </summary>
                /// <param name="registry">The registry to fill.</param>
                """);
            w.OpenBlock("public static void RegisterTypes(global::Partisan.Serialization.TypeRegistry registry)");
            w.OpenBlock("if (registry is null)");
            w.WriteLine("throw new global::System.ArgumentNullException(nameof(registry));");
            w.CloseBlock();
            w.WriteLine();
            foreach (HandlerModel handler in model.Handlers)
            {
                w.WriteLine(PayloadEmitter.Registration(model.FullyQualifiedName, handler.Request));
            }

            foreach (string enumType in model.EnumReplies)
            {
                w.WriteLine($"registry.RegisterDeferred(new global::Partisan.Serialization.EnumFormatter<{enumType}>()); // a reply type");
            }

            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("[global::System.Runtime.CompilerServices.ModuleInitializer]");
            w.WriteLine("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            w.WriteLine("internal static void PartisanRegisterTypesOnLoad() => RegisterTypes(global::Partisan.Serialization.TypeRegistry.Default);");
        }

        private static void WriteStartHelpers(SourceWriter w, ServerModel model)
        {
            string type = model.FullyQualifiedName;
            string name = model.Hierarchy.Type.Name;
            string pid = Partisan + "Pid";
            string node = Partisan + "PartisanNode";
            string monitored = $"{Tasks}Task<({pid} Pid, {Partisan}Ref Monitor)>";
            if (model.HasDefaultConstructor)
            {
                w.WriteLine($"""
                    /// <summary>Starts a <see cref="{name}"/> server on <paramref name="node"/>; returns its pid once its init has run.</summary>
                    /// <param name="node">The node to run it on.</param>
                    /// <param name="name">A name to register it under, or null.</param>
                    /// <exception cref="{Behaviours}GenServerStartException">Its init threw.</exception>
                    public static {Tasks}Task<{pid}> StartAsync({node} node, string? name = null) =>
                        {Behaviours}GenServer.StartAsync(node, static () => new {type}(), name);

                    /// <summary>Starts a <see cref="{name}"/> server and monitors it for <paramref name="watcher"/> (OTP's <c>start_monitor</c>).</summary>
                    /// <param name="node">The node to run it on.</param>
                    /// <param name="watcher">The process that gets a <see cref="{Partisan}Down"/> when the server exits.</param>
                    /// <param name="name">A name to register it under, or null.</param>
                    public static {monitored} StartMonitorAsync({node} node, {pid} watcher, string? name = null) =>
                        {Behaviours}GenServer.StartMonitorAsync(node, watcher, static () => new {type}(), name);

                    """);
            }

            w.WriteLine($"""
                /// <summary>Starts a server made by <paramref name="factory"/> on <paramref name="node"/>; returns its pid once its init has run.</summary>
                /// <param name="node">The node to run it on.</param>
                /// <param name="factory">Makes the server instance (runs in the new process).</param>
                /// <param name="name">A name to register it under, or null.</param>
                /// <exception cref="{Behaviours}GenServerStartException">The factory or init threw.</exception>
                public static {Tasks}Task<{pid}> StartAsync({node} node, global::System.Func<{type}> factory, string? name = null) =>
                    {Behaviours}GenServer.StartAsync(node, factory, name);

                /// <summary>Starts a server made by <paramref name="factory"/> and monitors it for <paramref name="watcher"/>.</summary>
                /// <param name="node">The node to run it on.</param>
                /// <param name="watcher">The process that gets a <see cref="{Partisan}Down"/> when the server exits.</param>
                /// <param name="factory">Makes the server instance.</param>
                /// <param name="name">A name to register it under, or null.</param>
                public static {monitored} StartMonitorAsync({node} node, {pid} watcher, global::System.Func<{type}> factory, string? name = null) =>
                    {Behaviours}GenServer.StartMonitorAsync(node, watcher, factory, name);

                /// <summary>A typed client for the <see cref="{name}"/> server <paramref name="server"/> (a pid or a registered name, on any node).</summary>
                /// <param name="node">The node the calls are made from.</param>
                /// <param name="server">The server.</param>
                /// <param name="options">The channel and partition key of every request.</param>
                public static {model.ClientName} Client({node} node, {Partisan}ProcessRef server, {Partisan}ForwardOptions options = default) =>
                    new {model.ClientName}(node, server, options);

                /// <summary>A typed client for the server <paramref name="server"/>, given as a remote reference (tuple or URI form).</summary>
                /// <param name="node">The node the calls are made from.</param>
                /// <param name="server">A pid or registered-name reference.</param>
                /// <param name="options">The channel and partition key of every request.</param>
                public static {model.ClientName} Client({node} node, {Partisan}RemoteRef server, {Partisan}ForwardOptions options = default) =>
                    new {model.ClientName}(node, server.ToProcessRef(), options);
                """);
        }

        // ---- dispatch -----------------------------------------------------------------------------

        private static string Arguments(EquatableArray<ArgumentModel> arguments, string request)
        {
            var text = new StringBuilder();
            foreach (ArgumentModel argument in arguments)
            {
                text.Append(text.Length == 0 ? string.Empty : ", ");
                text.Append(argument.Source switch
                {
                    ArgumentSource.Field => request + "." + argument.Field,
                    ArgumentSource.Context => "context",
                    ArgumentSource.ReplyTo => $"new {Behaviours}ReplyTo<{argument.TypeName}>(from, context)",
                    ArgumentSource.Message => request,
                    _ => "reason",
                });
            }

            return text.ToString();
        }

        private static bool IsDeferred(HandlerModel handler)
        {
            foreach (ArgumentModel argument in handler.Arguments)
            {
                if (argument.Source is ArgumentSource.ReplyTo)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsAwaited(ReturnShape shape) => shape is not (ReturnShape.Void or ReturnShape.Value);

        /// <summary>The statement that runs a handler returning void, Task or ValueTask and returns a <c>ValueTask</c>.</summary>
        private static string RunUnit(ReturnShape shape, string invocation) => shape switch
        {
            ReturnShape.Task => $"return new {Tasks}ValueTask({invocation});",
            ReturnShape.ValueTask => $"return {invocation};",
            _ => $"{invocation};\nreturn default;",
        };

        private static void WriteInit(SourceWriter w, LifecycleModel? init)
        {
            w.OpenBlock($"{Tasks}ValueTask {Behaviours}IGenServer.InitAsync({Behaviours}GenServerContext context)");
            w.WriteLine(init is null ? "return default;" : RunUnit(init.Returns, $"this.{init.MethodName}({Arguments(init.Arguments, string.Empty)})"));
            w.CloseBlock();
        }

        private static void WriteTerminate(SourceWriter w, LifecycleModel? terminate)
        {
            w.OpenBlock($"{Tasks}ValueTask {Behaviours}IGenServer.TerminateAsync({Partisan}ExitReason reason, {Behaviours}GenServerContext context)");
            w.WriteLine(terminate is null ? "return default;" : RunUnit(terminate.Returns, $"this.{terminate.MethodName}({Arguments(terminate.Arguments, string.Empty)})"));
            w.CloseBlock();
        }

        private static void WriteCallDispatch(SourceWriter w, ServerModel model)
        {
            string result = $"{Tasks}ValueTask<{CallResult}>";
            w.OpenBlock($"{result} {Behaviours}IGenServer.HandleCallAsync(object request, {Partisan}CallHandle from, {Behaviours}GenServerContext context)");
            w.OpenBlock("switch (request)");
            var asyncHandlers = new List<HandlerModel>();
            foreach (HandlerModel handler in model.Handlers)
            {
                if (!handler.IsCall)
                {
                    continue;
                }

                bool awaited = IsAwaited(handler.Returns);
                string variable = handler.Request.Fields.IsEmpty && !awaited ? string.Empty : " r";
                w.WriteLine($"case {handler.Request.Name}{variable}:");
                w.Indentation++;
                string invocation = $"this.{handler.MethodName}({Arguments(handler.Arguments, "r")})";
                if (awaited)
                {
                    asyncHandlers.Add(handler);
                    w.WriteLine($"return {AsyncHelperName(handler)}(r, from, context);");
                }
                else if (IsDeferred(handler))
                {
                    w.WriteLine($"{invocation};");
                    w.WriteLine($"return new {result}({CallResult}.NoReply);");
                }
                else
                {
                    w.WriteLine($"return new {result}({CallResult}.Reply({invocation}));");
                }

                w.Indentation--;
            }

            w.WriteLine("default:");
            w.Indentation++;
            w.WriteLine($"context.Fail(from, new global::System.ArgumentException(\"{model.Hierarchy.Type.Identifier} has no call handler for \" + (request?.GetType().Name ?? \"null\") + \".\", nameof(request)));");
            w.WriteLine($"return new {result}({CallResult}.NoReply);");
            w.Indentation--;
            w.CloseBlock();
            w.CloseBlock();

            foreach (HandlerModel handler in asyncHandlers)
            {
                w.WriteLine();
                w.WriteLine(GeneratorInfo.HelperMemberAttributes);
                w.OpenBlock($"private async {result} {AsyncHelperName(handler)}({handler.Request.Name} r, {Partisan}CallHandle from, {Behaviours}GenServerContext context)");
                string invocation = $"this.{handler.MethodName}({Arguments(handler.Arguments, "r")}).ConfigureAwait(false)";
                if (IsDeferred(handler))
                {
                    w.WriteLine($"await {invocation};");
                    w.WriteLine($"return {CallResult}.NoReply;");
                }
                else if (handler.Returns is ReturnShape.TaskOfT or ReturnShape.ValueTaskOfT)
                {
                    w.WriteLine($"return {CallResult}.Reply(await {invocation});");
                }
                else
                {
                    w.WriteLine($"await {invocation};");
                    w.WriteLine($"return {CallResult}.Reply(null);");
                }

                w.CloseBlock();
            }
        }

        private static string AsyncHelperName(HandlerModel handler) => "PartisanCall" + handler.MethodName.TrimStart('@') + "Async";

        private static void WriteCastDispatch(SourceWriter w, ServerModel model)
        {
            w.OpenBlock($"{Tasks}ValueTask {Behaviours}IGenServer.HandleCastAsync(object request, {Behaviours}GenServerContext context)");
            w.OpenBlock("switch (request)");
            foreach (HandlerModel handler in model.Handlers)
            {
                if (handler.IsCall)
                {
                    continue;
                }

                string variable = handler.Request.Fields.IsEmpty ? string.Empty : " r";
                w.WriteLine($"case {handler.Request.Name}{variable}:");
                w.Indentation++;
                w.WriteLine(RunUnit(handler.Returns, $"this.{handler.MethodName}({Arguments(handler.Arguments, "r")})"));
                w.Indentation--;
            }

            w.WriteLine("default:");
            w.Indentation++;
            w.WriteLine("return default; // a cast nobody handles is dropped: it has no caller to tell, and must not stop the server");
            w.Indentation--;
            w.CloseBlock();
            w.CloseBlock();
        }

        private static void WriteInfoDispatch(SourceWriter w, ServerModel model)
        {
            w.OpenBlock($"{Tasks}ValueTask {Behaviours}IGenServer.HandleInfoAsync(object message, {Behaviours}GenServerContext context)");
            for (int i = 0; i < model.Infos.Count; i++)
            {
                InfoModel info = model.Infos[i];
                string variable = "m" + i.ToString(CultureInfo.InvariantCulture);
                w.OpenBlock($"if (message is {info.MessageType} {variable})");
                w.WriteLine(RunUnit(info.Returns, $"this.{info.MethodName}({Arguments(info.Arguments, variable)})"));
                w.CloseBlock();
                w.WriteLine();
            }

            w.WriteLine("return default; // other messages are ignored, as OTP's default handle_info does");
            w.CloseBlock();
        }

        // ---- client -------------------------------------------------------------------------------

        private static void WriteClient(SourceWriter w, ServerModel model)
        {
            string name = model.Hierarchy.Type.Name;
            string client = model.ClientName;
            string node = Partisan + "PartisanNode";
            w.WriteLine($"/// <summary>A typed client of <see cref=\"{name}\"/>: calls and casts to one server process, on this node or another. Made by <see cref=\"{name}.Client({node}, {Partisan}ProcessRef, {Partisan}ForwardOptions)\"/>.</summary>");
            w.WriteLine($"[global::System.CodeDom.Compiler.GeneratedCode(\"{GeneratorInfo.ToolName}\", \"{GeneratorInfo.Version}\")]");
            w.OpenBlock($"{(model.IsPublic ? "public" : "internal")} sealed class {client} : {Partisan}ProcessClient");
            w.WriteLine($$"""
                /// <summary>A client of the server <paramref name="server"/> that sends from <paramref name="node"/>.</summary>
                /// <param name="node">The node the calls are made from.</param>
                /// <param name="server">The server: a pid or a registered name, on any node.</param>
                /// <param name="options">The channel and partition key of every request.</param>
                public {{client}}({{node}} node, {{Partisan}}ProcessRef server, {{Partisan}}ForwardOptions options = default)
                    : base(node, server, options)
                {
                }
                """);
            foreach (HandlerModel handler in model.Handlers)
            {
                w.WriteLine();
                WriteClientMethod(w, model, handler);
            }

            w.CloseBlock();
        }

        private static void WriteClientMethod(SourceWriter w, ServerModel model, HandlerModel handler)
        {
            var args = new StringBuilder();
            foreach (PayloadFieldModel field in handler.Request.Fields)
            {
                args.Append(args.Length == 0 ? string.Empty : ", ").Append(field.ParameterName);
            }

            string request = $"new {model.FullyQualifiedName}.{handler.Request.Name}({args})";
            string target = $"<c>{model.Hierarchy.Type.Name}.{handler.MethodName.TrimStart('@')}</c>";
            var parameterDocs = new StringBuilder();
            foreach (PayloadFieldModel field in handler.Request.Fields)
            {
                string bare = field.ParameterName.TrimStart('@');
                parameterDocs.Append($"/// <param name=\"{bare}\">The <c>{bare}</c> argument.</param>\n");
            }

            string fieldDocs = parameterDocs.ToString().TrimEnd('\n');
            if (!handler.IsCall)
            {
                w.WriteLine($"/// <summary>Casts to {target} (fire and forget). False when the server's node is unknown or down (the request is dropped).</summary>");
                if (fieldDocs.Length > 0)
                {
                    w.WriteLine(fieldDocs);
                }

                w.WriteLine($"public bool {handler.ClientMethodName}({handler.ClientParameters}) => this.Cast({request});");
                return;
            }

            string returns = handler.ReplyType is null ? Tasks + "Task" : $"{Tasks}Task<{handler.ReplyType}>";
            string call = handler.ReplyType is null ? "this.CallAsync(" : $"this.CallAsync<{handler.ReplyType}>(";
            string separator = handler.ClientParameters.Length == 0 ? string.Empty : ", ";
            const string Exceptions = "/// <exception cref=\"global::Partisan.CallTimeoutException\">No reply in time.</exception>\n"
                + "/// <exception cref=\"global::Partisan.CalleeDownException\">The server does not exist, exited, or its node is down.</exception>\n"
                + "/// <exception cref=\"global::Partisan.CallFailedException\">The handler threw.</exception>";
            w.WriteLine($"/// <summary>Calls {target} and waits for its reply (timeout: the node's default, 5 s).</summary>");
            if (fieldDocs.Length > 0)
            {
                w.WriteLine(fieldDocs);
            }

            w.WriteLine($"/// <param name=\"{handler.CancellationName}\">Stops waiting (the request may still run).</param>");
            w.WriteLine(Exceptions);
            w.WriteLine($"public {returns} {handler.ClientMethodName}({handler.ClientParameters}{separator}global::System.Threading.CancellationToken {handler.CancellationName} = default) =>");
            w.WriteLine($"    {call}{request}, null, {handler.CancellationName});");
            w.WriteLine();
            w.WriteLine($"/// <summary>Calls {target} and waits at most <paramref name=\"{handler.TimeoutName}\"/> for its reply.</summary>");
            if (fieldDocs.Length > 0)
            {
                w.WriteLine(fieldDocs);
            }

            w.WriteLine($"/// <param name=\"{handler.TimeoutName}\">How long to wait; a reply after that is dropped.</param>");
            w.WriteLine($"/// <param name=\"{handler.CancellationName}\">Stops waiting (the request may still run).</param>");
            w.WriteLine(Exceptions);
            string noDefaultsSeparator = handler.ClientParametersNoDefaults.Length == 0 ? string.Empty : ", ";
            w.WriteLine($"public {returns} {handler.ClientMethodName}({handler.ClientParametersNoDefaults}{noDefaultsSeparator}global::System.TimeSpan {handler.TimeoutName}, global::System.Threading.CancellationToken {handler.CancellationName} = default) =>");
            w.WriteLine($"    {call}{request}, {handler.TimeoutName}, {handler.CancellationName});");
        }
    }
}
