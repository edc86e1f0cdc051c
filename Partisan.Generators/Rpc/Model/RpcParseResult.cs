using Partisan.Generators.Helpers;

namespace Partisan.Generators.Rpc.Model;

/// <summary>What the parser makes of one [PartisanRpc] interface: the model (or the errors), and the generated class it claims.</summary>
internal sealed record RpcParseResult(Result<RpcInterfaceModel> Result, RpcClassClaim? Claim);
