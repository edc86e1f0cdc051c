using Partisan.Generators.Helpers;

namespace Partisan.Generators.Rpc.Model;

/// <summary>One method of a [PartisanRpc] interface: one RPC function.</summary>
/// <param name="InterfaceName">The <c>global::</c>-qualified interface that declares it (the stub implements it explicitly).</param>
/// <param name="Name">The method name as C# source (keywords escaped).</param>
/// <param name="Function">The function name on the wire: the bare method name.</param>
/// <param name="Kind">What it returns.</param>
/// <param name="ReturnTypeName">The declared return type, <c>global::</c>-qualified (or <c>void</c>).</param>
/// <param name="Result">The result value for <see cref="RpcReturnKind.TaskOfT"/> and <see cref="RpcReturnKind.ValueTaskOfT"/>, else null.</param>
/// <param name="Parameters">The parameters in declaration order, the cancellation token included.</param>
internal sealed record RpcMethodModel(
    string InterfaceName,
    string Name,
    string Function,
    RpcReturnKind Kind,
    string ReturnTypeName,
    RpcValueModel? Result,
    EquatableArray<RpcParameterModel> Parameters);
