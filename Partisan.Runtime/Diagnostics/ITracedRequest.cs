namespace Partisan.Diagnostics;

/// <summary>
/// A request that names its own service and method for spans (an RPC invocation: module and function), instead of
/// the target's registered name and the request's type name.
/// </summary>
internal interface ITracedRequest
{
    /// <summary>The <c>rpc.service</c> attribute.</summary>
    string TraceService { get; }

    /// <summary>The <c>rpc.method</c> attribute.</summary>
    string TraceMethod { get; }
}
