using Partisan.Generators.Helpers;

namespace Partisan.Generators.Rpc.Model;

/// <summary>The generated class an interface will get, and where to point an error when two interfaces would get the same one.</summary>
/// <param name="ClassName">The generated class's full name (<c>Ns.CalculatorRpc</c>).</param>
/// <param name="InterfaceName">The interface, for messages.</param>
/// <param name="Location">The interface's name.</param>
internal sealed record RpcClassClaim(string ClassName, string InterfaceName, LocationInfo? Location);
