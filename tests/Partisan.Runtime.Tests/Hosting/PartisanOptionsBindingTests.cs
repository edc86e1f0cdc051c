using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Partisan.Hosting;
using Partisan.Membership;
using Partisan.Serialization;

namespace Partisan.Tests.Hosting;

public class PartisanOptionsBindingTests
{
    private static IConfigurationSection Section(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(kv => new KeyValuePair<string, string?>("Partisan:" + kv.Key, kv.Value)))
            .Build()
            .GetSection("Partisan");

    private static PartisanOptions Read(Dictionary<string, string?> settings, Action<PartisanOptions>? configure = null)
    {
        var services = new ServiceCollection();
        if (configure is null)
        {
            services.AddPartisan(Section(settings));
        }
        else
        {
            services.AddPartisan(Section(settings), configure);
        }

        using ServiceProvider provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<PartisanOptions>>().Value;
    }

    private static Dictionary<string, string?> Valid() => new()
    {
        ["NodeName"] = "valid@127.0.0.1",
        ["ClusterSecret"] = "a-good-long-secret",
    };

    private static OptionsValidationException ReadInvalid(Dictionary<string, string?> settings) =>
        Assert.Throws<OptionsValidationException>(() => Read(settings));

    [Fact]
    public void Binds_every_setting_and_collection()
    {
        PartisanOptions options = Read(new Dictionary<string, string?>
        {
            ["NodeName"] = "bind@127.0.0.1",
            ["ClusterSecret"] = "a-long-enough-secret",
            ["ListenAddresses:0"] = "127.0.0.1:0",
            ["ListenAddresses:1"] = "127.0.0.1:9100",
            ["Seeds:0"] = "10.0.0.1:9000",
            ["Seeds:1"] = "10.0.0.2:9001",
            ["Channels:0:Name"] = "rpc",
            ["Channels:0:Parallelism"] = "4",
            ["Channels:0:Monotonic"] = "true",
            ["Channels:0:Compression"] = "Deflate",
            ["Channels:1:Name"] = "bulk",
            ["Channels:1:Compression"] = "brotli",
            ["MaxFrameSize"] = "2097152",
            ["CompressionThreshold"] = "1024",
            ["MaxPendingBytesPerConnection"] = "8589934592",
            ["BackPressureBytesPerConnection"] = "1048576",
            ["GossipInterval"] = "00:00:02",
            ["ConnectTimeout"] = "00:00:04",
            ["HandshakeTimeout"] = "00:00:06",
            ["ReconnectMinDelay"] = "00:00:00.250",
            ["ReconnectMaxDelay"] = "00:00:10",
            ["KeepAlive:Enabled"] = "false",
            ["KeepAlive:IdleTimeout"] = "00:00:07",
            ["KeepAlive:Interval"] = "00:00:03",
            ["KeepAlive:MaxAttempts"] = "5",
            ["RemoteRefFormat"] = "Uri",
            ["RemoteRefUriPadding"] = "true",
            ["FrameProtection"] = "encrypted",
            ["PropagateTraceContext"] = "true",
            ["TraceSends"] = "true",
        });

        Assert.Equal("bind@127.0.0.1", options.NodeName);
        Assert.Equal("a-long-enough-secret", options.ClusterSecret);
        Assert.Equal(["127.0.0.1:0", "127.0.0.1:9100"], options.ListenAddresses);
        Assert.Equal(["10.0.0.1:9000", "10.0.0.2:9001"], options.Seeds);
        Assert.Equal(
            [new ChannelOptions("rpc", 4, true, ChannelCompression.Deflate), new ChannelOptions("bulk", 1, false, ChannelCompression.Brotli)],
            options.Channels);
        Assert.Equal(2097152, options.MaxFrameSize);
        Assert.Equal(1024, options.CompressionThreshold);
        Assert.Equal(8589934592L, options.MaxPendingBytesPerConnection);
        Assert.Equal(1048576L, options.BackPressureBytesPerConnection);
        Assert.Equal(TimeSpan.FromSeconds(2), options.GossipInterval);
        Assert.Equal(TimeSpan.FromSeconds(4), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(6), options.HandshakeTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.ReconnectMinDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ReconnectMaxDelay);
        Assert.False(options.KeepAlive.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(7), options.KeepAlive.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), options.KeepAlive.Interval);
        Assert.Equal(5, options.KeepAlive.MaxAttempts);
        Assert.Equal(RemoteRefFormat.Uri, options.RemoteRefFormat);
        Assert.True(options.RemoteRefUriPadding);
        Assert.Equal(Partisan.Transport.FrameProtection.Encrypted, options.FrameProtection);
        Assert.True(options.PropagateTraceContext);
        Assert.True(options.TraceSends);
        Assert.Empty(PartisanOptionsSetup.ReportFor(options)!.Warnings);
    }

    [Fact]
    public void Every_option_is_readable_from_configuration_or_documented_as_code_only()
    {
        var known = new HashSet<string>(PartisanOptionsSetup.SettingNames.Concat(PartisanOptionsSetup.CodeOnlyNames).Concat(PartisanOptionsSetup.OverlaySectionNames), StringComparer.Ordinal);
        foreach (PropertyInfo property in typeof(PartisanOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            Assert.True(known.Contains(property.Name), $"PartisanOptions.{property.Name} is neither read from configuration nor listed as code-only.");
        }

        string[] keepAliveSettable = typeof(KeepAliveOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite).Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["Enabled", "IdleTimeout", "Interval", "MaxAttempts"], keepAliveSettable);
    }

    [Fact]
    public void Keys_are_case_insensitive_and_lists_take_comma_separated_values()
    {
        PartisanOptions options = Read(new Dictionary<string, string?>
        {
            ["nodename"] = "lower@127.0.0.1",
            ["SEEDS"] = "10.0.0.1:9000, 10.0.0.2:9000",
            ["keepalive:maxattempts"] = "7",
            ["channels:0:name"] = "rpc",
            ["channels:0:PARALLELISM"] = "3",
        });

        Assert.Equal("lower@127.0.0.1", options.NodeName);
        Assert.Equal(["10.0.0.1:9000", "10.0.0.2:9000"], options.Seeds);
        Assert.Equal(7, options.KeepAlive.MaxAttempts);
        Assert.Equal(new ChannelOptions("rpc", 3), Assert.Single(options.Channels));
    }

    [Fact]
    public void Code_runs_after_configuration()
    {
        Dictionary<string, string?> settings = Valid();
        settings["GossipInterval"] = "00:00:02";
        settings["Seeds:0"] = "10.0.0.1:9000";
        PartisanOptions options = Read(settings, o =>
        {
            Assert.Equal(TimeSpan.FromSeconds(2), o.GossipInterval); // the section was read first
            o.GossipInterval = TimeSpan.FromSeconds(3);
            o.Seeds.Add("10.0.0.2:9000");
        });

        Assert.Equal(TimeSpan.FromSeconds(3), options.GossipInterval);
        Assert.Equal(["10.0.0.1:9000", "10.0.0.2:9000"], options.Seeds);
    }

    [Fact]
    public void Code_only_registration_works()
    {
        var services = new ServiceCollection();
        services.AddPartisan(o => o.NodeName = "code@127.0.0.1");
        using ServiceProvider provider = services.BuildServiceProvider();
        PartisanOptions options = provider.GetRequiredService<IOptions<PartisanOptions>>().Value;
        Assert.Equal("code@127.0.0.1", options.NodeName);
        Assert.Null(PartisanOptionsSetup.ReportFor(options));
    }

    public static TheoryData<string, string> InvalidSettings() => new()
    {
        { "NodeName=no-host", "NodeName: " },
        { "NodeName=", "NodeName is required" },
        { "ListenAddresses:0=localhost", "ListenAddresses: 'localhost' is not a listen address" },
        { "Seeds:0=10.0.0.1:99999", "Seeds: '10.0.0.1:99999' is not a listen address" },
        { "Seeds:0:Host=10.0.0.1", "Partisan:Seeds:0: expected an address 'host:port', not a section." },
        { "Channels:0:Name=rpc|Channels:0:Parallelism=0", "Partisan:Channels:0: Channel 'rpc': parallelism must be between 1 and 64, not 0." },
        { "Channels:0:Name=rpc|Channels:0:Parallelism=many", "Partisan:Channels:0:Parallelism: 'many' is not a whole number." },
        { "Channels:0:Name=rpc|Channels:0:Compression=Zip", "Partisan:Channels:0:Compression: 'Zip' is not one of None, Deflate, Brotli." },
        { "Channels:0:Name=rpc|Channels:0:Compression=7", "Partisan:Channels:0:Compression: '7' is not one of None, Deflate, Brotli." },
        { "Channels:0:Name=rpc|Channels:0:Monotonic=sometimes", "Partisan:Channels:0:Monotonic: 'sometimes' is not true or false." },
        { "Channels:0:Name=bad name", "Partisan:Channels:0: Channel name 'bad name' contains ' '" },
        { "Channels:0:Parallelism=2", "Partisan:Channels:0:Name is required" },
        { "Channels:0:Name=rpc|Channels:1:Name=rpc", "Channels: 'rpc' is configured twice." },
        { "Channels=rpc", "Partisan:Channels: expected a list of channels" },
        { "GossipInterval=-00:00:01", "GossipInterval must be positive, not -00:00:01." },
        { "HandshakeTimeout=00:00:00", "HandshakeTimeout must be positive" },
        { "KeepAlive:Interval=-00:00:02", "KeepAlive.Interval must be positive" },
        { "KeepAlive:MaxAttempts=0", "KeepAlive.MaxAttempts must be at least 1." },
        { "KeepAlive:Enabled=yes", "Partisan:KeepAlive:Enabled: 'yes' is not true or false." },
        { "ConnectTimeout=soon", "Partisan:ConnectTimeout: 'soon' is not a duration" },
        { "ReconnectMinDelay=00:00:02|ReconnectMaxDelay=00:00:01", "ReconnectMaxDelay must not be shorter than ReconnectMinDelay." },
        { "ClusterSecret=short", "ClusterSecret must be at least 8 characters." },
        { "MaxFrameSize=big", "Partisan:MaxFrameSize: 'big' is not a whole number." },
        { "MaxFrameSize=100", "MaxFrameSize must be between 1 KiB and 1 GiB, not 100." },
        { "FragmentSize=100", "FragmentSize must be between 4 KiB and 1 MiB, not 100." },
        { "FragmentSize=2097152", "FragmentSize must be between 4 KiB and 1 MiB, not 2097152." },
        { "MaxPendingBytesPerConnection=99999999999999999999", "Partisan:MaxPendingBytesPerConnection: '99999999999999999999' is not a whole number." },
        { "CompressionThreshold=-1", "CompressionThreshold must not be negative." },
        { "BackPressureBytesPerConnection=0", "BackPressureBytesPerConnection must be at least 1, not 0." },
        { "RemoteRefFormat=Binary", "Partisan:RemoteRefFormat: 'Binary' is not one of Tuple, Uri." },
        { "FrameProtection=Tls", "Partisan:FrameProtection: 'Tls' is not one of None, Authenticated, Encrypted." },
        { "RemoteRefUriPadding=1", "Partisan:RemoteRefUriPadding: '1' is not true or false." },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Invalid_setting_is_reported_clearly(string assignments, string expected)
    {
        Dictionary<string, string?> settings = Valid();
        foreach (string assignment in assignments.Split('|'))
        {
            string[] parts = assignment.Split('=', 2);
            settings[parts[0]] = parts[1];
        }

        OptionsValidationException error = ReadInvalid(settings);
        Assert.Equal(typeof(PartisanOptions), error.OptionsType);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Single(error.Failures);
    }

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        OptionsValidationException error = ReadInvalid(new Dictionary<string, string?>
        {
            ["NodeName"] = "no-host",
            ["ClusterSecret"] = "short",
            ["ListenAddresses:0"] = "nowhere",
            ["Channels:0:Name"] = "rpc",
            ["Channels:0:Parallelism"] = "0",
            ["Channels:1:Name"] = "bulk",
            ["Channels:1:Compression"] = "Zip",
            ["Channels:2:Name"] = "dup",
            ["Channels:3:Name"] = "dup",
            ["GossipInterval"] = "-00:00:01",
            ["ConnectTimeout"] = "soon",
        });

        string[] expected =
        [
            "NodeName: ",
            "ClusterSecret must be at least 8 characters.",
            "ListenAddresses: 'nowhere'",
            "Partisan:Channels:0: Channel 'rpc': parallelism must be between 1 and 64, not 0.",
            "Partisan:Channels:1:Compression: 'Zip'",
            "Channels: 'dup' is configured twice.",
            "GossipInterval must be positive",
            "Partisan:ConnectTimeout: 'soon' is not a duration",
        ];
        foreach (string problem in expected)
        {
            Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(expected.Length, error.Failures.Count());
    }

    [Fact]
    public void Passing_the_whole_configuration_instead_of_the_section_is_explained()
    {
        IConfiguration root = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Partisan:NodeName"] = "a@127.0.0.1" })
            .Build();
        var services = new ServiceCollection();
        services.AddPartisan(root);
        using ServiceProvider provider = services.BuildServiceProvider();
        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PartisanOptions>>().Value);
        Assert.Contains("configuration.GetSection(\"Partisan\")", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_keys_are_warnings_that_do_not_echo_values()
    {
        Dictionary<string, string?> settings = Valid();
        settings["Seed:0"] = "10.0.0.1:9000";
        settings["ClusterSecrte"] = "do-not-print-me";
        settings["Transport"] = "tcp";
        settings["Channels:0:Name"] = "rpc";
        settings["Channels:0:Parallelizm"] = "4";
        settings["KeepAlive:DeadAfter"] = "00:00:30";

        PartisanOptions options = Read(settings);

        IReadOnlyList<string> warnings = PartisanOptionsSetup.ReportFor(options)!.Warnings;
        Assert.Contains(warnings, w => w.StartsWith("Partisan:Seed ", StringComparison.Ordinal) || w.StartsWith("Partisan:Seed:", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("Partisan:ClusterSecrte is not a Partisan setting", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("Partisan:Transport can only be set in code", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("Partisan:Channels:0:Parallelizm is not a channel setting", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("Partisan:KeepAlive:DeadAfter is computed", StringComparison.Ordinal));
        Assert.DoesNotContain(warnings, w => w.Contains("do-not-print-me", StringComparison.Ordinal));
        Assert.Equal(new ChannelOptions("rpc"), Assert.Single(options.Channels));
    }

    [Fact]
    public async Task Services_are_registered_once_however_often_AddPartisan_is_called()
    {
        var services = new ServiceCollection();
        services.AddPartisan(Section(Valid()));
        services.AddPartisan(o => o.GossipInterval = TimeSpan.FromSeconds(2));
        Assert.Single(services, d => d.ServiceType == typeof(PartisanNode));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        Assert.Single(services, d => d.ServiceType == typeof(IPeerServiceManager));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<PartisanOptions>));

        await using ServiceProvider provider = services.BuildServiceProvider();
        PartisanNode node = provider.GetRequiredService<PartisanNode>();
        Assert.Same(node, provider.GetRequiredService<PartisanNode>());
        Assert.Equal("valid@127.0.0.1", node.Name.Value);
        PartisanHostedService hosted = Assert.IsType<PartisanHostedService>(Assert.Single(provider.GetServices<IHostedService>()));
        Assert.Same(node, hosted.Node);
        Assert.Same(hosted, provider.GetRequiredService<PartisanHostedService>());
        Assert.Equal(TimeSpan.FromSeconds(2), provider.GetRequiredService<IOptions<PartisanOptions>>().Value.GossipInterval);
    }
}
