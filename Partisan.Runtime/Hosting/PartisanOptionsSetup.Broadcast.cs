using Microsoft.Extensions.Configuration;
using Partisan.Broadcast;

namespace Partisan.Hosting;

/// <summary>
/// Reading the <c>Broadcast</c> section (<see cref="BroadcastOptions"/>): <c>Partisan:Broadcast:Enabled</c>,
/// <c>Partisan:Broadcast:Channel</c>, <c>Partisan:Broadcast:LazyTickPeriod</c>, ... Every value that cannot be read is an
/// error naming its key path; a key that is not a broadcast setting is a warning; the values are checked together by
/// <see cref="BroadcastOptions.Validate"/> when broadcast is enabled.
/// </summary>
internal sealed partial class PartisanOptionsSetup
{
    private static readonly Dictionary<string, Action<IConfigurationSection, BroadcastOptions, BindingReport>> BroadcastSettings =
        new(StringComparer.OrdinalIgnoreCase)
        {
            [nameof(BroadcastOptions.Enabled)] = (s, o, r) => ReadBoolean(s, r, v => o.Enabled = v),
            [nameof(BroadcastOptions.Channel)] = (s, o, r) => ReadString(s, r, v => o.Channel = v),
            [nameof(BroadcastOptions.MaxQueuedMessages)] = (s, o, r) => ReadInt32(s, r, v => o.MaxQueuedMessages = v),
            [nameof(BroadcastOptions.TimerPrefix)] = (s, o, r) => ReadString(s, r, v => o.TimerPrefix = v),
            [nameof(BroadcastOptions.LazyTickPeriod)] = (s, o, r) => ReadTimeSpan(s, r, v => o.LazyTickPeriod = v),
            [nameof(BroadcastOptions.GraftTimeout)] = (s, o, r) => ReadTimeSpan(s, r, v => o.GraftTimeout = v),
            [nameof(BroadcastOptions.GraftRetryTimeout)] = (s, o, r) => ReadTimeSpan(s, r, v => o.GraftRetryTimeout = v),
            [nameof(BroadcastOptions.MaxGraftAttempts)] = (s, o, r) => ReadInt32(s, r, v => o.MaxGraftAttempts = v),
            [nameof(BroadcastOptions.MaxAnnouncers)] = (s, o, r) => ReadInt32(s, r, v => o.MaxAnnouncers = v),
            [nameof(BroadcastOptions.MaxMissing)] = (s, o, r) => ReadInt32(s, r, v => o.MaxMissing = v),
            [nameof(BroadcastOptions.MaxPendingAnnouncementsPerPeer)] = (s, o, r) => ReadInt32(s, r, v => o.MaxPendingAnnouncementsPerPeer = v),
            [nameof(BroadcastOptions.MaxTrees)] = (s, o, r) => ReadInt32(s, r, v => o.MaxTrees = v),
            [nameof(BroadcastOptions.ExchangeInterval)] = (s, o, r) => ReadTimeSpan(s, r, v => o.ExchangeInterval = v),
            [nameof(BroadcastOptions.ExchangeTimeout)] = (s, o, r) => ReadTimeSpan(s, r, v => o.ExchangeTimeout = v),
            [nameof(BroadcastOptions.MaxConcurrentExchanges)] = (s, o, r) => ReadInt32(s, r, v => o.MaxConcurrentExchanges = v),
            [nameof(BroadcastOptions.MaxExchangeSteps)] = (s, o, r) => ReadInt32(s, r, v => o.MaxExchangeSteps = v),
            [nameof(BroadcastOptions.MaxInboundExchangeMessages)] = (s, o, r) => ReadInt32(s, r, v => o.MaxInboundExchangeMessages = v),
            [nameof(BroadcastOptions.PruneOnDuplicate)] = (s, o, r) => ReadBoolean(s, r, v => o.PruneOnDuplicate = v),
        };

    /// <summary>The keys of the <c>Broadcast</c> section.</summary>
    internal static IReadOnlyCollection<string> BroadcastSettingNames => BroadcastSettings.Keys;

    private static void ReadBroadcast(IConfigurationSection section, PartisanOptions options, BindingReport report)
    {
        if (!string.IsNullOrEmpty(section.Value))
        {
            report.Errors.Add($"{section.Path}: expected a section with Enabled, Channel and the engine's settings (e.g. {section.Path}:Enabled), not a value.");
            return;
        }

        foreach (IConfigurationSection child in section.GetChildren())
        {
            if (BroadcastSettings.TryGetValue(child.Key, out Action<IConfigurationSection, BroadcastOptions, BindingReport>? read))
            {
                read(child, options.Broadcast, report);
            }
            else
            {
                report.Warnings.Add($"{child.Path} is not a broadcast setting ({string.Join(", ", BroadcastSettings.Keys)}); it is ignored.");
            }
        }
    }
}
