namespace Partisan.Diagnostics;

/// <summary>Attribute names and values of Partisan's spans and metrics, after OpenTelemetry's semantic conventions.</summary>
internal static class SpanAttributes
{
    public const string RpcSystem = "rpc.system";
    public const string RpcService = "rpc.service";
    public const string RpcMethod = "rpc.method";
    public const string ServerAddress = "server.address";
    public const string ErrorType = "error.type";
    public const string MessagingSystem = "messaging.system";
    public const string MessagingOperationType = "messaging.operation.type";
    public const string MessagingOperationName = "messaging.operation.name";
    public const string MessagingDestination = "messaging.destination.name";
    public const string NetworkIoDirection = "network.io.direction";
    public const string Node = "partisan.node";
    public const string Channel = "partisan.channel";
    public const string Target = "partisan.target";

    /// <summary>The value of <c>rpc.system</c> and <c>messaging.system</c>.</summary>
    public const string System = "partisan";
}
