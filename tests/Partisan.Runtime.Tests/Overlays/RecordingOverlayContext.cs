using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Partisan.Overlays;

namespace Partisan.Tests.Overlays;

/// <summary>An <see cref="IOverlayContext"/> that records what an overlay does, so an overlay can be tested alone and deterministically.</summary>
internal sealed class RecordingOverlayContext(NodeSpec self, int seed = 1) : IOverlayContext
{
    public NodeSpec Self { get; set; } = self;

    public TimeProvider Time { get; } = new Partisan.Tests.Support.ManualTimeProvider();

    public Random Random { get; } = new(seed);

    public ILogger Logger => NullLogger.Instance;

    public List<(NodeName To, object Message)> Sent { get; } = new();

    public Dictionary<string, (TimeSpan Due, TimeSpan? Period)> Timers { get; } = new();

    public HashSet<NodeName> Connected { get; } = new();

    public List<NodeName> Disconnected { get; } = new();

    public string? ResetReason { get; private set; }

    public bool Send(NodeSpec to, object message)
    {
        Sent.Add((to.Name, message));
        return true;
    }

    public bool Send(NodeName to, object message)
    {
        Sent.Add((to, message));
        return true;
    }

    public void SetTimer(string name, TimeSpan due, TimeSpan? period = null) => Timers[name] = (due, period);

    public void CancelTimer(string name) => Timers.Remove(name);

    public void Disconnect(NodeName node) => Disconnected.Add(node);

    public bool IsConnected(NodeName node) => Connected.Contains(node);

    public void ResetToSingleton(string reason) => ResetReason = reason;
}
