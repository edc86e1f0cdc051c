namespace Partisan.Generators.Rpc.Model;

/// <summary>One parameter of an RPC method.</summary>
/// <param name="Name">The name as C# source (keywords escaped).</param>
/// <param name="RawName">The bare name, for messages.</param>
/// <param name="Type">Its type; for the cancellation token, <c>global::System.Threading.CancellationToken</c>.</param>
/// <param name="IsCancellationToken">True for the CancellationToken, which is not sent: it cancels the caller's wait.</param>
internal sealed record RpcParameterModel(string Name, string RawName, RpcValueModel Type, bool IsCancellationToken);
