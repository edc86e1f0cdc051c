using Microsoft.Extensions.Logging;

namespace Partisan.Hosting;

/// <summary>Log events of the hosting integration, with stable event ids (5xxx).</summary>
internal static partial class HostingLog
{
    /// <summary>The logger category of the hosted service.</summary>
    public const string Category = "Partisan.Hosting";

    [LoggerMessage(5001, LogLevel.Information, "Starting Partisan node {Node}")]
    public static partial void Starting(ILogger logger, NodeName node);

    [LoggerMessage(5002, LogLevel.Information, "Partisan node {Node} started on {Addresses}; joining {SeedCount} seed(s) in the background")]
    public static partial void Started(ILogger logger, NodeName node, string addresses, int seedCount);

    [LoggerMessage(5003, LogLevel.Error, "Partisan node {Node} failed to start")]
    public static partial void StartFailed(ILogger logger, NodeName node, Exception exception);

    [LoggerMessage(5004, LogLevel.Information, "Stopping Partisan node {Node}")]
    public static partial void Stopping(ILogger logger, NodeName node);

    [LoggerMessage(5005, LogLevel.Information, "Partisan node {Node} stopped")]
    public static partial void Stopped(ILogger logger, NodeName node);

    [LoggerMessage(5006, LogLevel.Warning, "Partisan node {Node} did not finish stopping before the host's shutdown timeout")]
    public static partial void StopTimedOut(ILogger logger, NodeName node);

    [LoggerMessage(5007, LogLevel.Information, "Joined the cluster through seed {Seed} (attempt {Attempt})")]
    public static partial void SeedJoined(ILogger logger, string seed, int attempt);

    [LoggerMessage(5008, LogLevel.Warning, "Joining seed {Seed} failed (attempt {Attempt}): {Reason}; retrying in {Delay}")]
    public static partial void SeedJoinFailed(ILogger logger, string seed, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(5009, LogLevel.Debug, "Seed {Seed} is this node's own address; not joining it")]
    public static partial void SeedIsSelf(ILogger logger, string seed);

    [LoggerMessage(5010, LogLevel.Debug, "Seed {Seed} is already a member of this node's cluster; not joining it")]
    public static partial void SeedAlreadyMember(ILogger logger, string seed);

    [LoggerMessage(5011, LogLevel.Warning, "Configuration: {Problem}")]
    public static partial void ConfigurationWarning(ILogger logger, string problem);
}
