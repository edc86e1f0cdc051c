using Microsoft.Extensions.Configuration;
using Partisan.Overlays;
using Partisan.Overlays.ClientServer;
using Partisan.Overlays.HyParView;
using Partisan.Overlays.Static;

namespace Partisan.Hosting;

/// <summary>
/// Reading the <c>Overlay</c> section: <c>Kind</c> (<see cref="OverlayKind"/>) and the settings of the built-in overlays,
/// side by side (<c>Partisan:Overlay:ServersPerClient</c>, <c>Partisan:Overlay:Nodes:0:Name</c>, ...). A setting of another
/// kind than the one chosen is an error, checked once code has run too (<see cref="PartisanOptionsValidator"/>), since code
/// may set <see cref="PartisanOptions.OverlayKind"/>.
/// </summary>
internal sealed partial class PartisanOptionsSetup
{
    private static readonly Dictionary<string, (OverlayKind Kind, Action<IConfigurationSection, PartisanOptions, BindingReport> Read)> OverlaySettings =
        new(StringComparer.OrdinalIgnoreCase)
        {
            [nameof(HyParViewOptions.ActiveViewSize)] = (OverlayKind.HyParView, (s, o, r) => ReadInt32(s, r, v => o.HyParView.ActiveViewSize = v)),
            [nameof(HyParViewOptions.MinActiveViewSize)] = (OverlayKind.HyParView, (s, o, r) => ReadInt32(s, r, v => o.HyParView.MinActiveViewSize = v)),
            [nameof(HyParViewOptions.PassiveViewSize)] = (OverlayKind.HyParView, (s, o, r) => ReadInt32(s, r, v => o.HyParView.PassiveViewSize = v)),
            [nameof(HyParViewOptions.ActiveRandomWalkLength)] = (OverlayKind.HyParView, (s, o, r) => ReadInt32(s, r, v => o.HyParView.ActiveRandomWalkLength = v)),
            [nameof(HyParViewOptions.PassiveRandomWalkLength)] = (OverlayKind.HyParView, (s, o, r) => ReadInt32(s, r, v => o.HyParView.PassiveRandomWalkLength = v)),
            [nameof(HyParViewOptions.ShuffleInterval)] = (OverlayKind.HyParView, (s, o, r) => ReadTimeSpan(s, r, v => o.HyParView.ShuffleInterval = v)),
            [nameof(HyParViewOptions.ShuffleActiveCount)] = (OverlayKind.HyParView, (s, o, r) => ReadInt32(s, r, v => o.HyParView.ShuffleActiveCount = v)),
            [nameof(HyParViewOptions.ShufflePassiveCount)] = (OverlayKind.HyParView, (s, o, r) => ReadInt32(s, r, v => o.HyParView.ShufflePassiveCount = v)),
            [nameof(HyParViewOptions.ShuffleRandomWalkLength)] = (OverlayKind.HyParView, (s, o, r) => ReadInt32(s, r, v => o.HyParView.ShuffleRandomWalkLength = v)),
            [nameof(HyParViewOptions.RandomPromotionInterval)] = (OverlayKind.HyParView, (s, o, r) => ReadTimeSpan(s, r, v => o.HyParView.RandomPromotionInterval = v)),
            [nameof(HyParViewOptions.NeighbourRequestTimeout)] = (OverlayKind.HyParView, (s, o, r) => ReadTimeSpan(s, r, v => o.HyParView.NeighbourRequestTimeout = v)),
            [nameof(HyParViewOptions.RouteSearchHops)] = (OverlayKind.HyParView, (s, o, r) => ReadInt32(s, r, v => o.HyParView.RouteSearchHops = v)),
            [nameof(HyParViewOptions.RouteSearchTimeout)] = (OverlayKind.HyParView, (s, o, r) => ReadTimeSpan(s, r, v => o.HyParView.RouteSearchTimeout = v)),
            [nameof(HyParViewOptions.MaxRoutes)] = (OverlayKind.HyParView, (s, o, r) => ReadInt32(s, r, v => o.HyParView.MaxRoutes = v)),
            [nameof(HyParViewOptions.ReservedTags)] = (OverlayKind.HyParView, (s, o, r) => ReadList(s, o.HyParView.ReservedTags, r, "a tag")),
            [nameof(ClientServerOptions.ServerTag)] = (OverlayKind.ClientServer, (s, o, r) => ReadString(s, r, v => o.ClientServer.ServerTag = v)),
            [nameof(ClientServerOptions.ServersPerClient)] = (OverlayKind.ClientServer, (s, o, r) => ReadInt32(s, r, v => o.ClientServer.ServersPerClient = v)),
            [nameof(ClientServerOptions.MaxPendingIntroductions)] = (OverlayKind.ClientServer, (s, o, r) => ReadInt32(s, r, v => o.ClientServer.MaxPendingIntroductions = v)),
            [nameof(StaticOverlayOptions.Nodes)] = (OverlayKind.Static, ReadStaticNodes),
        };

    /// <summary>The options read through the <c>Overlay</c> section rather than under their own names.</summary>
    internal static readonly HashSet<string> OverlaySectionNames = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(PartisanOptions.OverlayKind),
        nameof(PartisanOptions.HyParView),
        nameof(PartisanOptions.ClientServer),
        nameof(PartisanOptions.Static),
    };

    /// <summary>The keys of the <c>Overlay</c> section besides <c>Kind</c>, with the kind each belongs to.</summary>
    internal static IReadOnlyDictionary<string, OverlayKind> OverlaySettingKinds =>
        OverlaySettings.ToDictionary(p => p.Key, p => p.Value.Kind, StringComparer.OrdinalIgnoreCase);

    private static void ReadOverlay(IConfigurationSection section, PartisanOptions options, BindingReport report)
    {
        if (!string.IsNullOrEmpty(section.Value))
        {
            report.Errors.Add($"{section.Path}: expected a section with Kind ({string.Join(", ", Enum.GetNames<OverlayKind>())}) and that kind's settings (e.g. {section.Path}:Kind), not a value; a custom overlay is set in code (PartisanOptions.Overlay).");
            return;
        }

        foreach (IConfigurationSection child in section.GetChildren())
        {
            if (string.Equals(child.Key, "Kind", StringComparison.OrdinalIgnoreCase))
            {
                int errorsBefore = report.Errors.Count;
                ReadEnum<OverlayKind>(child, report, v => options.OverlayKind = v);
                report.OverlayKindUnreadable |= report.Errors.Count != errorsBefore;
            }
            else if (OverlaySettings.TryGetValue(child.Key, out (OverlayKind Kind, Action<IConfigurationSection, PartisanOptions, BindingReport> Read) setting))
            {
                report.OverlayKeys.Add((child.Path, setting.Kind));
                setting.Read(child, options, report);
            }
            else
            {
                report.Warnings.Add($"{child.Path} is not an overlay setting (Kind, then HyParView's {string.Join(", ", NamesOf(OverlayKind.HyParView))}; ClientServer's {string.Join(", ", NamesOf(OverlayKind.ClientServer))}; Static's Nodes); it is ignored.");
            }
        }
    }

    private static IEnumerable<string> NamesOf(OverlayKind kind)
    {
        foreach (KeyValuePair<string, (OverlayKind Kind, Action<IConfigurationSection, PartisanOptions, BindingReport> Read)> setting in OverlaySettings)
        {
            if (setting.Value.Kind == kind)
            {
                yield return setting.Key;
            }
        }
    }

    // Nodes:i:Name, Nodes:i:ListenAddresses:j, Nodes:i:Tags:j. Each value is checked here, so an error names its key path; a
    // node with any error is not added.
    private static void ReadStaticNodes(IConfigurationSection section, PartisanOptions options, BindingReport report)
    {
        if (!string.IsNullOrEmpty(section.Value))
        {
            report.Errors.Add($"{section.Path}: expected a list of nodes, each with Name and ListenAddresses (e.g. {section.Path}:0:Name, {section.Path}:0:ListenAddresses:0).");
            return;
        }

        foreach (IConfigurationSection entry in section.GetChildren())
        {
            var node = new StaticNodeOptions();
            int errorsBefore = report.Errors.Count;
            foreach (IConfigurationSection field in entry.GetChildren())
            {
                switch (field.Key.ToUpperInvariant())
                {
                    case "NAME":
                        ReadString(field, report, v => node.Name = v);
                        break;
                    case "LISTENADDRESSES":
                        ReadList(field, node.ListenAddresses, report);
                        break;
                    case "TAGS":
                        ReadList(field, node.Tags, report, "a tag");
                        break;
                    default:
                        report.Warnings.Add($"{field.Path} is not a static node setting (Name, ListenAddresses, Tags); it is ignored.");
                        break;
                }
            }

            if (node.Name is null)
            {
                report.Errors.Add($"{entry.Path}:Name is required (every static node needs a name).");
            }
            else if (NodeName.Validate(node.Name) is { } nameError)
            {
                report.Errors.Add($"{entry.Path}:Name: {nameError}");
            }

            if (node.ListenAddresses.Count == 0)
            {
                report.Errors.Add($"{entry.Path}:ListenAddresses is required (e.g. {entry.Path}:ListenAddresses:0 = '10.0.0.1:9000').");
            }

            for (int i = 0; i < node.ListenAddresses.Count; i++)
            {
                CheckStaticAddress(report, $"{entry.Path}:ListenAddresses:{i}", node.ListenAddresses[i]);
            }

            for (int i = 0; i < node.Tags.Count; i++)
            {
                if (NodeSpec.ValidateTag(node.Tags[i]) is { } tagError)
                {
                    report.Errors.Add($"{entry.Path}:Tags:{i}: {tagError}");
                }
            }

            if (report.Errors.Count == errorsBefore)
            {
                options.Static.Nodes.Add(node);
            }
        }
    }

    private static void CheckStaticAddress(BindingReport report, string path, string address)
    {
        try
        {
            if (ListenAddress.Parse(address).Port == 0)
            {
                report.Errors.Add($"{path}: '{address}' has port 0; a static node needs a fixed port.");
            }
        }
        catch (FormatException ex)
        {
            report.Errors.Add($"{path}: {ex.Message}");
        }
    }
}
