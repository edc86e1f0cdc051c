using Partisan.Generators.Helpers;

namespace Partisan.Generators.Rpc.Model;

/// <summary>
/// A [PartisanRpc] interface as the emitter needs it. Holds strings, bools, enums and equatable arrays only: no
/// symbols, syntax, locations or compilations.
/// </summary>
/// <param name="Hierarchy">Where the interface is declared.</param>
/// <param name="FullyQualifiedName">The interface's <c>global::</c>-qualified name.</param>
/// <param name="Module">The module name on the wire: the interface's CLR full name (<c>Type.FullName</c>).</param>
/// <param name="ClassName">The generated static class beside the interface (<c>ICalculator</c> gives <c>CalculatorRpc</c>).</param>
/// <param name="Accessibility"><c>public</c> when the interface and every type containing it are public, else <c>internal</c>.</param>
/// <param name="HintName">The generated file's hint name.</param>
/// <param name="Methods">The RPC methods, in declaration order (base interfaces' after the interface's own).</param>
internal sealed record RpcInterfaceModel(
    HierarchyInfo Hierarchy,
    string FullyQualifiedName,
    string Module,
    string ClassName,
    string Accessibility,
    string HintName,
    EquatableArray<RpcMethodModel> Methods);
