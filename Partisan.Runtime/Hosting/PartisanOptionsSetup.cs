using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Partisan.Serialization;
using Partisan.Transport;

namespace Partisan.Hosting;

/// <summary>
/// Reads <see cref="PartisanOptions"/> from a configuration section (normally <c>Partisan</c>).
/// </summary>
/// <remarks>
/// <para>
/// This reads the section key by key instead of using <c>ConfigurationBinder</c>, because the binder
/// silently drops a list element whose constructor throws (a channel with <c>Parallelism</c> 0, or
/// <c>Compression</c> <c>Zip</c>, simply disappears) and stops at the first value it cannot convert. Here
/// every unreadable value is recorded as an error naming its key path (e.g.
/// <c>Partisan:Channels:0:Parallelism</c>), and <see cref="PartisanOptionsValidator"/> reports them all
/// together with <see cref="PartisanOptions.Validate"/>'s problems in one <see cref="OptionsValidationException"/>.
/// </para>
/// <para>
/// Keys are case-insensitive. Lists (<c>ListenAddresses</c>, <c>Seeds</c>) take indexed children
/// (<c>Seeds:0</c>, <c>Seeds:1</c>) or one comma-separated value (<c>Seeds</c> = <c>a:9000,b:9000</c>) and
/// are appended to what is already there. Keys that are not settings are reported as warnings (logged
/// when the node starts); their values are never logged.
/// </para>
/// <para>
/// <c>Overlay</c> is a section: <c>Kind</c> and the settings of that kind (<c>PartisanOptionsSetup.Overlay.cs</c>);
/// <c>Broadcast</c> is a section of <see cref="Broadcast.BroadcastOptions"/> (<c>PartisanOptionsSetup.Broadcast.cs</c>).
/// </para>
/// </remarks>
internal sealed partial class PartisanOptionsSetup : IConfigureOptions<PartisanOptions>
{
    private static readonly ConditionalWeakTable<PartisanOptions, BindingReport> Reports = new();

    private static readonly Dictionary<string, Action<IConfigurationSection, PartisanOptions, BindingReport>> Settings =
        new(StringComparer.OrdinalIgnoreCase)
        {
            [nameof(PartisanOptions.NodeName)] = (s, o, r) => ReadString(s, r, v => o.NodeName = v),
            [nameof(PartisanOptions.ClusterSecret)] = (s, o, r) => ReadString(s, r, v => o.ClusterSecret = v),
            [nameof(PartisanOptions.ListenAddresses)] = (s, o, r) => ReadList(s, o.ListenAddresses, r),
            [nameof(PartisanOptions.Seeds)] = (s, o, r) => ReadList(s, o.Seeds, r),
            [nameof(PartisanOptions.Tags)] = (s, o, r) => ReadList(s, o.Tags, r, "a tag"),
            [nameof(PartisanOptions.Channels)] = ReadChannels,
            [nameof(PartisanOptions.MaxFrameSize)] = (s, o, r) => ReadInt32(s, r, v => o.MaxFrameSize = v),
            [nameof(PartisanOptions.FragmentSize)] = (s, o, r) => ReadInt32(s, r, v => o.FragmentSize = v),
            [nameof(PartisanOptions.CompressionThreshold)] = (s, o, r) => ReadInt32(s, r, v => o.CompressionThreshold = v),
            [nameof(PartisanOptions.MaxPendingBytesPerConnection)] = (s, o, r) => ReadInt64(s, r, v => o.MaxPendingBytesPerConnection = v),
            [nameof(PartisanOptions.BackPressureBytesPerConnection)] = (s, o, r) => ReadInt64(s, r, v => o.BackPressureBytesPerConnection = v),
            [nameof(PartisanOptions.GossipInterval)] = (s, o, r) => ReadTimeSpan(s, r, v => o.GossipInterval = v),
            [nameof(PartisanOptions.ConnectTimeout)] = (s, o, r) => ReadTimeSpan(s, r, v => o.ConnectTimeout = v),
            [nameof(PartisanOptions.HandshakeTimeout)] = (s, o, r) => ReadTimeSpan(s, r, v => o.HandshakeTimeout = v),
            [nameof(PartisanOptions.ReconnectMinDelay)] = (s, o, r) => ReadTimeSpan(s, r, v => o.ReconnectMinDelay = v),
            [nameof(PartisanOptions.ReconnectMaxDelay)] = (s, o, r) => ReadTimeSpan(s, r, v => o.ReconnectMaxDelay = v),
            [nameof(PartisanOptions.KeepAlive)] = ReadKeepAlive,
            [nameof(PartisanOptions.RemoteRefFormat)] = (s, o, r) => ReadEnum<RemoteRefFormat>(s, r, v => o.RemoteRefFormat = v),
            [nameof(PartisanOptions.FrameProtection)] = (s, o, r) => ReadEnum<FrameProtection>(s, r, v => o.FrameProtection = v),
            [nameof(PartisanOptions.RemoteRefUriPadding)] = (s, o, r) => ReadBoolean(s, r, v => o.RemoteRefUriPadding = v),
            [nameof(PartisanOptions.RelayHops)] = (s, o, r) => ReadInt32(s, r, v => o.RelayHops = v),
            [nameof(PartisanOptions.RouteWaitTimeout)] = (s, o, r) => ReadTimeSpan(s, r, v => o.RouteWaitTimeout = v),
            [nameof(PartisanOptions.PropagateTraceContext)] = (s, o, r) => ReadBoolean(s, r, v => o.PropagateTraceContext = v),
            [nameof(PartisanOptions.TraceSends)] = (s, o, r) => ReadBoolean(s, r, v => o.TraceSends = v),
            [nameof(PartisanOptions.OverlaySeed)] = (s, o, r) => ReadInt32(s, r, v => o.OverlaySeed = v),
            [nameof(PartisanOptions.Overlay)] = ReadOverlay,
            [nameof(PartisanOptions.Broadcast)] = ReadBroadcast,
            [nameof(PartisanOptions.Discovery)] = ReadDiscovery,
        };

    /// <summary>Options that can only be set in code (objects, delegates).</summary>
    private static readonly HashSet<string> CodeOnly = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(PartisanOptions.Transport),
        nameof(PartisanOptions.Tls),
        nameof(PartisanOptions.TypeRegistry),
        nameof(PartisanOptions.TimeProvider),
        nameof(PartisanOptions.Delivery), // code only for now (issue 14); a Delivery section can bind it later
        nameof(PartisanOptions.Faults),
        nameof(PartisanOptions.PeerDiscovery),
    };

    private readonly IConfiguration _configuration;

    /// <summary>Reads from <paramref name="configuration"/> (the <c>Partisan</c> section, not the root).</summary>
    public PartisanOptionsSetup(IConfiguration configuration) => _configuration = configuration;

    /// <summary>The option names configuration can set (case-insensitive).</summary>
    internal static IReadOnlyCollection<string> SettingNames => Settings.Keys;

    /// <summary>The option names only code can set.</summary>
    internal static IReadOnlyCollection<string> CodeOnlyNames => CodeOnly;

    /// <inheritdoc />
    public void Configure(PartisanOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        BindingReport report = Reports.GetOrCreateValue(options);
        foreach (IConfigurationSection child in _configuration.GetChildren())
        {
            if (Settings.TryGetValue(child.Key, out Action<IConfigurationSection, PartisanOptions, BindingReport>? read))
            {
                read(child, options, report);
            }
            else if (OverlaySectionNames.Contains(child.Key))
            {
                report.Warnings.Add($"{child.Path} is not read: the overlay is configured in the Overlay section (Overlay:Kind, then that kind's settings, e.g. Overlay:ServersPerClient); it is ignored.");
            }
            else if (CodeOnly.Contains(child.Key))
            {
                report.Warnings.Add($"{child.Path} can only be set in code; the configured value is ignored.");
            }
            else if (string.Equals(child.Key, "Partisan", StringComparison.OrdinalIgnoreCase))
            {
                report.Errors.Add($"{child.Path} is not a Partisan setting: pass configuration.GetSection(\"Partisan\") to AddPartisan, not the whole configuration.");
            }
            else
            {
                report.Warnings.Add($"{child.Path} is not a Partisan setting; it is ignored.");
            }
        }
    }

    /// <summary>The problems found reading configuration into <paramref name="options"/>, or null if none was read into it.</summary>
    internal static BindingReport? ReportFor(PartisanOptions options) =>
        Reports.TryGetValue(options, out BindingReport? report) ? report : null;

    private static void ReadDiscovery(IConfigurationSection section, PartisanOptions options, BindingReport report)
    {
        try
        {
            section.Bind(options.Discovery, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            report.Errors.Add($"{section.Path}: {ex.Message}");
        }
    }

    private static void ReadChannels(IConfigurationSection section, PartisanOptions options, BindingReport report)
    {
        if (!string.IsNullOrEmpty(section.Value))
        {
            report.Errors.Add($"{section.Path}: expected a list of channels, each with Name, Parallelism, Monotonic and Compression (e.g. {section.Path}:0:Name).");
        }

        foreach (IConfigurationSection entry in section.GetChildren())
        {
            string? name = null;
            int parallelism = 1;
            bool monotonic = false;
            ChannelCompression compression = ChannelCompression.None;
            int errorsBefore = report.Errors.Count;
            foreach (IConfigurationSection field in entry.GetChildren())
            {
                switch (field.Key.ToUpperInvariant())
                {
                    case "NAME":
                        ReadString(field, report, v => name = v);
                        break;
                    case "PARALLELISM":
                        ReadInt32(field, report, v => parallelism = v);
                        break;
                    case "MONOTONIC":
                        ReadBoolean(field, report, v => monotonic = v);
                        break;
                    case "COMPRESSION":
                        ReadEnum<ChannelCompression>(field, report, v => compression = v);
                        break;
                    default:
                        report.Warnings.Add($"{field.Path} is not a channel setting (Name, Parallelism, Monotonic, Compression); it is ignored.");
                        break;
                }
            }

            if (name is null)
            {
                report.Errors.Add($"{entry.Path}:Name is required (every channel needs a name).");
                continue;
            }

            if (report.Errors.Count != errorsBefore)
            {
                continue;
            }

            try
            {
                options.Channels.Add(new ChannelOptions(name, parallelism, monotonic, compression));
            }
            catch (ArgumentException ex)
            {
                report.Errors.Add($"{entry.Path}: {ex.Message}");
            }
        }
    }

    private static void ReadKeepAlive(IConfigurationSection section, PartisanOptions options, BindingReport report)
    {
        KeepAliveOptions keepAlive = options.KeepAlive;
        if (!string.IsNullOrEmpty(section.Value))
        {
            report.Errors.Add($"{section.Path}: expected a section with Enabled, IdleTimeout, Interval and MaxAttempts, not a value.");
        }

        foreach (IConfigurationSection field in section.GetChildren())
        {
            switch (field.Key.ToUpperInvariant())
            {
                case "ENABLED":
                    ReadBoolean(field, report, v => keepAlive.Enabled = v);
                    break;
                case "IDLETIMEOUT":
                    ReadTimeSpan(field, report, v => keepAlive.IdleTimeout = v);
                    break;
                case "INTERVAL":
                    ReadTimeSpan(field, report, v => keepAlive.Interval = v);
                    break;
                case "MAXATTEMPTS":
                    ReadInt32(field, report, v => keepAlive.MaxAttempts = v);
                    break;
                case "DEADAFTER":
                    report.Warnings.Add($"{field.Path} is computed (IdleTimeout + Interval × MaxAttempts) and cannot be set; it is ignored.");
                    break;
                default:
                    report.Warnings.Add($"{field.Path} is not a keep-alive setting (Enabled, IdleTimeout, Interval, MaxAttempts); it is ignored.");
                    break;
            }
        }
    }

    private static void ReadList(IConfigurationSection section, List<string> target, BindingReport report, string expected = "an address 'host:port'")
    {
        if (!string.IsNullOrEmpty(section.Value))
        {
            target.AddRange(section.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        }

        foreach (IConfigurationSection item in section.GetChildren())
        {
            if (item.GetChildren().Any())
            {
                report.Errors.Add($"{item.Path}: expected {expected}, not a section.");
            }
            else if (string.IsNullOrWhiteSpace(item.Value))
            {
                report.Errors.Add($"{item.Path} is empty; expected {expected}.");
            }
            else
            {
                target.Add(item.Value.Trim());
            }
        }
    }

    /// <summary>The section's single value, or null (with an error if it is a section rather than a value).</summary>
    private static string? ValueOf(IConfigurationSection section, BindingReport report)
    {
        if (section.Value is null && section.GetChildren().Any())
        {
            report.Errors.Add($"{section.Path}: expected a single value, not a section.");
        }

        return section.Value;
    }

    private static void ReadString(IConfigurationSection section, BindingReport report, Action<string> set)
    {
        if (ValueOf(section, report) is { } value)
        {
            set(value);
        }
    }

    private static void ReadInt32(IConfigurationSection section, BindingReport report, Action<int> set)
    {
        if (ValueOf(section, report) is not { } value)
        {
            return;
        }

        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int result))
        {
            set(result);
        }
        else
        {
            report.Errors.Add($"{section.Path}: '{value}' is not a whole number.");
        }
    }

    private static void ReadInt64(IConfigurationSection section, BindingReport report, Action<long> set)
    {
        if (ValueOf(section, report) is not { } value)
        {
            return;
        }

        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long result))
        {
            set(result);
        }
        else
        {
            report.Errors.Add($"{section.Path}: '{value}' is not a whole number.");
        }
    }

    private static void ReadBoolean(IConfigurationSection section, BindingReport report, Action<bool> set)
    {
        if (ValueOf(section, report) is not { } value)
        {
            return;
        }

        if (bool.TryParse(value.Trim(), out bool result))
        {
            set(result);
        }
        else
        {
            report.Errors.Add($"{section.Path}: '{value}' is not true or false.");
        }
    }

    private static void ReadTimeSpan(IConfigurationSection section, BindingReport report, Action<TimeSpan> set)
    {
        if (ValueOf(section, report) is not { } value)
        {
            return;
        }

        if (TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out TimeSpan result))
        {
            set(result);
        }
        else
        {
            report.Errors.Add($"{section.Path}: '{value}' is not a duration; write it as [d.]hh:mm:ss[.fff], e.g. '00:00:01' for one second.");
        }
    }

    private static void ReadEnum<T>(IConfigurationSection section, BindingReport report, Action<T> set)
        where T : struct, Enum
    {
        if (ValueOf(section, report) is not { } value)
        {
            return;
        }

        if (Enum.TryParse(value.Trim(), ignoreCase: true, out T result) && Enum.IsDefined(result))
        {
            set(result);
        }
        else
        {
            report.Errors.Add($"{section.Path}: '{value}' is not one of {string.Join(", ", Enum.GetNames<T>())}.");
        }
    }

    /// <summary>What went wrong reading configuration into one options instance.</summary>
    internal sealed class BindingReport
    {
        /// <summary>Values that could not be read; the node must not start.</summary>
        public List<string> Errors { get; } = new();

        /// <summary>Keys that were ignored.</summary>
        public List<string> Warnings { get; } = new();

        /// <summary>The overlay settings read (key path, the kind they belong to), checked against the final kind by the validator.</summary>
        public List<(string Path, OverlayKind Kind)> OverlayKeys { get; } = new();

        /// <summary>True when <c>Overlay:Kind</c> could not be read (an error says so; the keys are then not checked against it).</summary>
        public bool OverlayKindUnreadable { get; set; }
    }
}
