using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Partisan.Generators.Helpers;
using Partisan.Generators.Rpc.Model;

namespace Partisan.Generators.Rpc;

public sealed partial class PartisanRpcGenerator
{
    /// <summary>Pure functions from models to source text: no symbols, no compilation.</summary>
    internal static class Emitter
    {
        private const string RpcNamespace = "global::Partisan.";
        private const string Tasks = "global::System.Threading.Tasks.";
        private const string Node = "global::Partisan.PartisanNode";
        private const string NodeName = "global::Partisan.NodeName";
        private const string Functions = RpcNamespace + "RpcFunctions";
        private const string Arguments = RpcNamespace + "RpcArguments";
        private const string Timeout = "global::System.TimeSpan?";

        public static void Emit(SourceProductionContext context, RpcInterfaceModel model) =>
            context.AddSource(model.HintName, Write(model));

        public static SourceText Write(RpcInterfaceModel model)
        {
            var w = new SourceWriter();
            w.WriteLine(GeneratorInfo.FileHeader);
            w.WriteLine("#pragma warning disable CS0612, CS0618 // methods marked [Obsolete] are still functions");
            w.WriteLine();
            model.Hierarchy.WriteOpen(w, reopenContainingTypes: false);

            string type = model.FullyQualifiedName;
            string module = Literal(model.Module);
            w.WriteLine($"""
                /// <summary>
                /// Typed RPC for <see cref="{type}"/> (module <c>{Xml(model.Module)}</c>): <see cref="Client"/> calls its methods on
                /// another node, <see cref="Bind"/> exposes an implementation in an <see cref="{Functions}"/>.
                /// </summary>
                [global::System.CodeDom.Compiler.GeneratedCode("{GeneratorInfo.ToolName}", "{GeneratorInfo.Version}")]
                """);
            w.OpenBlock($"{model.Accessibility} static class {model.ClassName}");
            w.WriteLine($"""
                /// <summary>The module of the interface's functions: its full name. Each method is the function of the same name.</summary>
                public const string Module = {module};

                /// <summary>Registers <see cref="Client"/> and <see cref="Bind"/> with <see cref="{RpcNamespace}RpcStubs"/> when the module loads.</summary>
                [global::System.Runtime.CompilerServices.ModuleInitializer]
                internal static void Register() => {RpcNamespace}RpcStubs.Register<{type}>(Client, Bind);

                /// <summary>A client whose methods run on <paramref name="target"/>: methods returning a task call and wait, void methods cast.</summary>
                /// <param name="node">The calling node.</param>
                /// <param name="target">The node that runs the functions (it must run an RPC server that binds them).</param>
                /// <param name="timeout">The timeout of each call; null for the default (5 s).</param>
                /// <returns>The client stub.</returns>
                public static {type} Client({Node} node, {NodeName} target, {Timeout} timeout = null)
                """);
            w.OpenBlock();
            w.OpenBlock("if (node is null)");
            w.WriteLine("throw new global::System.ArgumentNullException(nameof(node));");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("return new Stub(node, target, timeout);");
            w.CloseBlock();
            w.WriteLine();

            string multicall = MulticallClassName(model);
            w.WriteLine($"""
                /// <summary>
                /// A client that runs each method on every node of <paramref name="targets"/> at once (Erlang's <c>multicall</c>): one
                /// result or error per node, in the order given. Void methods cast to every node.
                /// </summary>
                /// <param name="node">The calling node.</param>
                /// <param name="targets">The nodes that run the functions.</param>
                /// <param name="timeout">The timeout of each node's call; null for the default (5 s).</param>
                /// <returns>The multicall client.</returns>
                public static {multicall} Multicall({Node} node, global::System.Collections.Generic.IEnumerable<{NodeName}> targets, {Timeout} timeout = null)
                """);
            w.OpenBlock();
            w.OpenBlock("if (node is null)");
            w.WriteLine("throw new global::System.ArgumentNullException(nameof(node));");
            w.CloseBlock();
            w.WriteLine();
            w.OpenBlock("if (targets is null)");
            w.WriteLine("throw new global::System.ArgumentNullException(nameof(targets));");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine($"return new {multicall}(node, new global::System.Collections.Generic.List<{NodeName}>(targets).ToArray(), timeout);");
            w.CloseBlock();
            w.WriteLine();

            w.WriteLine($"""
                /// <summary>Registers each method of <paramref name="implementation"/> in <paramref name="functions"/> as the function <c>{Xml(model.Module)}:Method</c>.</summary>
                /// <param name="functions">Where to register the functions.</param>
                /// <param name="implementation">The object whose methods run the calls.</param>
                /// <exception cref="global::System.ArgumentException">A function of the module is already registered in <paramref name="functions"/>.</exception>
                public static void Bind({Functions} functions, {type} implementation)
                """);
            w.OpenBlock();
            w.OpenBlock("if (functions is null)");
            w.WriteLine("throw new global::System.ArgumentNullException(nameof(functions));");
            w.CloseBlock();
            w.WriteLine();
            w.OpenBlock("if (implementation is null)");
            w.WriteLine("throw new global::System.ArgumentNullException(nameof(implementation));");
            w.CloseBlock();
            if (!model.Methods.IsEmpty)
            {
                w.WriteLine();
            }

            foreach (RpcMethodModel method in model.Methods)
            {
                w.WriteLine($"functions.Register(Module, {Literal(method.Function)}, arguments => Invoke{method.Function}(implementation, arguments));");
            }

            w.CloseBlock();

            foreach (RpcMethodModel method in model.Methods)
            {
                w.WriteLine();
                WriteInvoke(w, type, method);
            }

            foreach (RpcMethodModel method in model.Methods)
            {
                if (method.Result is { IsConverted: true } converted)
                {
                    w.WriteLine();
                    WriteConverter(w, method, converted);
                }
            }

            w.WriteLine();
            WriteStub(w, model, module);
            w.WriteLine();
            WriteMulticall(w, model, module, multicall);
            w.CloseBlock();

            model.Hierarchy.WriteClose(w, reopenContainingTypes: false);
            return w.ToSourceText();
        }

        /// <summary>The server side of one function: check and unpack the arguments, call the implementation, box the result.</summary>
        private static void WriteInvoke(SourceWriter w, string type, RpcMethodModel method)
        {
            bool isAsync = method.Kind != RpcReturnKind.Void;
            string function = Literal(method.Function);
            w.OpenBlock($"private static {(isAsync ? "async " : string.Empty)}{Tasks}ValueTask<object?> Invoke{method.Function}({type} implementation, object?[] arguments)");
            int sent = 0;
            foreach (RpcParameterModel parameter in method.Parameters)
            {
                sent += parameter.IsCancellationToken ? 0 : 1;
            }

            w.WriteLine($"{Arguments}.CheckCount(arguments, {Number(sent)}, Module, {function});");
            var call = new List<string>();
            int index = 0;
            foreach (RpcParameterModel parameter in method.Parameters)
            {
                if (parameter.IsCancellationToken)
                {
                    call.Add("global::System.Threading.CancellationToken.None");
                    continue;
                }

                string local = "arg" + Number(index);
                RpcValueModel value = parameter.Type;
                string get = $"{Arguments}.Get<{value.WireTypeName}>(arguments, {Number(index)}, {Literal(parameter.RawName)}, {(value.AllowNull ? "true" : "false")}, Module, {function})";
                w.WriteLine($"{value.TypeName} {local} = {(value.IsConverted ? $"({value.TypeName}){get}" : get)};");
                call.Add(local);
                index++;
            }

            string invocation = $"implementation.{method.Name}({string.Join(", ", call)})";
            switch (method.Kind)
            {
                case RpcReturnKind.Void:
                    w.WriteLine(invocation + ";");
                    w.WriteLine("return default;");
                    break;
                case RpcReturnKind.Task:
                case RpcReturnKind.ValueTask:
                    w.WriteLine($"await {invocation}.ConfigureAwait(false);");
                    w.WriteLine("return null;");
                    break;
                default:
                    RpcValueModel result = method.Result!;
                    string cast = result.IsConverted ? $"({result.WireTypeName})" : string.Empty;
                    w.WriteLine($"return {cast}await {invocation}.ConfigureAwait(false);");
                    break;
            }

            w.CloseBlock();
        }

        /// <summary>The client side: one explicit implementation per method, over <c>Rpc.CallAsync</c> or <c>Rpc.Cast</c>.</summary>
        private static void WriteStub(SourceWriter w, RpcInterfaceModel model, string module)
        {
            string type = model.FullyQualifiedName;
            w.WriteLine($"/// <summary>Calls the methods of <see cref=\"{type}\"/> on one node.</summary>");
            w.OpenBlock($"private sealed class Stub : {type}");
            w.WriteLine($"""
                private readonly {Node} _node;
                private readonly {NodeName} _target;
                private readonly {Timeout} _timeout;

                public Stub({Node} node, {NodeName} target, {Timeout} timeout)
                """);
            w.OpenBlock();
            w.WriteLine("_node = node;");
            w.WriteLine("_target = target;");
            w.WriteLine("_timeout = timeout;");
            w.CloseBlock();

            foreach (RpcMethodModel method in model.Methods)
            {
                w.WriteLine();
                WriteStubMethod(w, method, module);
            }

            w.CloseBlock();
        }

        private static void WriteStubMethod(SourceWriter w, RpcMethodModel method, string module)
        {
            var parameters = new List<string>();
            var sent = new List<string>();
            string token = "default";
            foreach (RpcParameterModel parameter in method.Parameters)
            {
                parameters.Add(parameter.Type.TypeName + " " + parameter.Name);
                if (parameter.IsCancellationToken)
                {
                    token = parameter.Name;
                }
                else
                {
                    sent.Add(parameter.Type.IsConverted ? $"({parameter.Type.WireTypeName}){parameter.Name}" : parameter.Name);
                }
            }

            string arguments = sent.Count == 0 ? "global::System.Array.Empty<object?>()" : $"new object?[] {{ {string.Join(", ", sent)} }}";
            string target = $"this._node, this._target, {module}, {Literal(method.Function)}, {arguments}";
            string signature = $"{method.InterfaceName}.{method.Name}({string.Join(", ", parameters)})";
            string call = $"{RpcNamespace}Rpc.CallAsync({target}, this._timeout, {token})";
            RpcValueModel? result = method.Result;
            switch (method.Kind)
            {
                case RpcReturnKind.Void:
                    w.OpenBlock($"void {signature}");
                    w.WriteLine($"{RpcNamespace}Rpc.Cast({target});");
                    w.CloseBlock();
                    break;
                case RpcReturnKind.Task:
                    w.WriteLine($"{method.ReturnTypeName} {signature} =>");
                    w.WriteLine($"    {call};");
                    break;
                case RpcReturnKind.ValueTask:
                    w.WriteLine($"{method.ReturnTypeName} {signature} =>");
                    w.WriteLine($"    new {method.ReturnTypeName}({call});");
                    break;
                case RpcReturnKind.TaskOfT when !result!.IsConverted:
                    w.WriteLine($"{method.ReturnTypeName} {signature} =>");
                    w.WriteLine($"    {TypedCall(target, result, token)};");
                    break;
                case RpcReturnKind.ValueTaskOfT when !result!.IsConverted:
                    w.WriteLine($"{method.ReturnTypeName} {signature} =>");
                    w.WriteLine($"    new {method.ReturnTypeName}({TypedCall(target, result, token)});");
                    break;
                default:
                    w.WriteLine($"async {method.ReturnTypeName} {signature} =>");
                    w.WriteLine($"    ({result!.TypeName})await {TypedCall(target, result, token)}.ConfigureAwait(false);");
                    break;
            }
        }

        /// <summary>The nested multicall class: <c>MulticallClient</c>, unless a method has that name (a member cannot be named like its class).</summary>
        private static string MulticallClassName(RpcInterfaceModel model)
        {
            string name = "MulticallClient";
            bool clash = true;
            while (clash)
            {
                clash = false;
                foreach (RpcMethodModel method in model.Methods)
                {
                    clash |= method.Function == name;
                }

                name += clash ? "_" : string.Empty;
            }

            return name;
        }

        private static string Result(string type) => RpcNamespace + "RpcResult<" + type + ">";

        private static string ResultList(string type) => $"{Tasks}Task<global::System.Collections.Generic.IReadOnlyList<{type}>>";

        /// <summary>Turns a multicall's results of an enum's underlying type into results of the enum.</summary>
        private static void WriteConverter(SourceWriter w, RpcMethodModel method, RpcValueModel result)
        {
            w.OpenBlock($"private static async {ResultList(Result(result.TypeName))} Convert{method.Function}({ResultList(Result(result.WireTypeName))} pending)");
            w.WriteLine($"global::System.Collections.Generic.IReadOnlyList<{Result(result.WireTypeName)}> results = await pending.ConfigureAwait(false);");
            w.WriteLine($"var converted = new {Result(result.TypeName)}[results.Count];");
            w.OpenBlock("for (int i = 0; i < converted.Length; i++)");
            w.WriteLine($"{Result(result.WireTypeName)} r = results[i];");
            w.WriteLine($"converted[i] = new {Result(result.TypeName)}(r.Node, r.IsOk ? ({result.TypeName})r.Value : default, r.Error);");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("return converted;");
            w.CloseBlock();
        }

        /// <summary>The multicall client: one method per interface method, each returning one result per node.</summary>
        private static void WriteMulticall(SourceWriter w, RpcInterfaceModel model, string module, string className)
        {
            string type = model.FullyQualifiedName;
            string outer = "global::" + (model.Hierarchy.Namespace.Length == 0 ? string.Empty : model.Hierarchy.Namespace + ".") + model.ClassName;
            w.WriteLine($"/// <summary>Runs the methods of <see cref=\"{type}\"/> on several nodes at once; see <see cref=\"Multicall\"/>.</summary>");
            w.OpenBlock($"public sealed class {className}");
            w.WriteLine($"""
                private readonly {Node} _node;
                private readonly {NodeName}[] _targets;
                private readonly {Timeout} _timeout;

                internal {className}({Node} node, {NodeName}[] targets, {Timeout} timeout)
                """);
            w.OpenBlock();
            w.WriteLine("_node = node;");
            w.WriteLine("_targets = targets;");
            w.WriteLine("_timeout = timeout;");
            w.CloseBlock();

            foreach (RpcMethodModel method in model.Methods)
            {
                w.WriteLine();
                var parameters = new List<string>();
                var sent = new List<string>();
                string token = "default";
                foreach (RpcParameterModel parameter in method.Parameters)
                {
                    parameters.Add(parameter.Type.TypeName + " " + parameter.Name);
                    if (parameter.IsCancellationToken)
                    {
                        token = parameter.Name;
                    }
                    else
                    {
                        sent.Add(parameter.Type.IsConverted ? $"({parameter.Type.WireTypeName}){parameter.Name}" : parameter.Name);
                    }
                }

                string arguments = sent.Count == 0 ? "global::System.Array.Empty<object?>()" : $"new object?[] {{ {string.Join(", ", sent)} }}";
                string target = $"this._node, this._targets, {module}, {Literal(method.Function)}, {arguments}";
                string signature = $"{method.Name}({string.Join(", ", parameters)})";
                string function = Xml(method.Function);
                switch (method.Kind)
                {
                    case RpcReturnKind.Void:
                        w.WriteLine($"/// <summary>Casts <c>{function}</c> to every node; returns how many it could be sent to.</summary>");
                        w.WriteLine($"public int {signature} =>");
                        w.WriteLine($"    {RpcNamespace}Rpc.CastAll({target});");
                        break;
                    case RpcReturnKind.Task:
                    case RpcReturnKind.ValueTask:
                        w.WriteLine($"/// <summary>Calls <c>{function}</c> on every node: one completion or error per node.</summary>");
                        w.WriteLine($"public {ResultList(RpcNamespace + "RpcResult")} {signature} =>");
                        w.WriteLine($"    {RpcNamespace}Rpc.MulticallAsync({target}, this._timeout, {token});");
                        break;
                    default:
                        RpcValueModel result = method.Result!;
                        string call = $"{RpcNamespace}Rpc.MulticallAsync<{result.WireTypeName}>({target}, this._timeout, {token})";
                        w.WriteLine($"/// <summary>Calls <c>{function}</c> on every node: one result or error per node.</summary>");
                        w.WriteLine($"public {ResultList(Result(result.TypeName))} {signature} =>");
                        w.WriteLine(result.IsConverted ? $"    {outer}.Convert{method.Function}({call});" : $"    {call};");
                        break;
                }
            }

            w.CloseBlock();
        }

        private static string TypedCall(string target, RpcValueModel result, string token) =>
            $"{RpcNamespace}Rpc.CallAsync<{result.WireTypeName}>({target}, this._timeout, {token})";

        private static string Literal(string text) => SymbolDisplay.FormatLiteral(text, quote: true);

        private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
