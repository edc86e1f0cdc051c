using Microsoft.Extensions.Logging;

namespace Partisan.Overlays.ClientServer;

/// <summary>Log events of the client-server overlay (event ids 31xx, membership range).</summary>
internal static partial class ClientServerLog
{
    [LoggerMessage(3101, LogLevel.Information, "Client-server: refused a connection from client {Peer}: {Reason}")]
    public static partial void ClientRefused(ILogger logger, NodeName peer, string reason);

    [LoggerMessage(3102, LogLevel.Warning, "Client-server: cannot hand client {Peer} on to a server: {Reason}")]
    public static partial void IntroductionDropped(ILogger logger, NodeName peer, string reason);

    [LoggerMessage(3103, LogLevel.Information, "Client-server: {Peer} is a client, like this node; it is added to the membership this node gossips to its servers, which connect to it")]
    public static partial void JoinThroughClient(ILogger logger, NodeName peer);

    [LoggerMessage(3104, LogLevel.Warning, "Client-server: {Peer} is a client and this client knows no server yet, so it cannot join through it; join a server (a node tagged '{Tag}')")]
    public static partial void JoinWithoutServer(ILogger logger, NodeName peer, string tag);

    [LoggerMessage(3105, LogLevel.Warning, "Client-server: ignored a reachability report from {Peer}: only a server that is a member sends one")]
    public static partial void ReportIgnored(ILogger logger, NodeName peer);
}
