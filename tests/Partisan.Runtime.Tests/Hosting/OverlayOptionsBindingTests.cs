using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Partisan.Hosting;
using Partisan.Overlays;
using Partisan.Overlays.ClientServer;
using Partisan.Overlays.HyParView;
using Partisan.Overlays.Static;

namespace Partisan.Tests.Hosting;

/// <summary>The <c>Partisan:Overlay</c> section: Kind, each kind's keys, and errors that name their key path.</summary>
public class OverlayOptionsBindingTests
{
    private static PartisanOptions Read(Dictionary<string, string?> settings, Action<PartisanOptions>? configure = null)
    {
        settings.TryAdd("NodeName", "overlay@127.0.0.1");
        settings.TryAdd("ClusterSecret", "a-good-long-secret");
        IConfigurationSection section = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(kv => new KeyValuePair<string, string?>("Partisan:" + kv.Key, kv.Value)))
            .Build()
            .GetSection("Partisan");
        var services = new ServiceCollection();
        services.AddPartisan(section, configure ?? (_ => { }));
        using ServiceProvider provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<PartisanOptions>>().Value;
    }

    private static string ReadInvalid(Dictionary<string, string?> settings, Action<PartisanOptions>? configure = null) =>
        Assert.Throws<OptionsValidationException>(() => Read(settings, configure)).Message;

    [Fact]
    public void Full_mesh_is_the_default_and_needs_no_section()
    {
        PartisanOptions options = Read(new());

        Assert.Equal(OverlayKind.FullMesh, options.OverlayKind);
        Assert.Null(options.Overlay);
    }

    [Fact]
    public void Binds_client_server()
    {
        PartisanOptions options = Read(new()
        {
            ["Overlay:Kind"] = "clientserver",
            ["Overlay:ServersPerClient"] = "2",
            ["Overlay:ServerTag"] = "hub",
            ["Overlay:MaxPendingIntroductions"] = "8",
        });

        Assert.Equal(OverlayKind.ClientServer, options.OverlayKind);
        Assert.Equal(2, options.ClientServer.ServersPerClient);
        Assert.Equal("hub", options.ClientServer.ServerTag);
        Assert.Equal(8, options.ClientServer.MaxPendingIntroductions);
        Assert.Empty(PartisanOptionsSetup.ReportFor(options)!.Warnings);
    }

    [Fact]
    public void Binds_every_hyparview_setting_including_reserved_tags()
    {
        PartisanOptions options = Read(new()
        {
            ["Overlay:Kind"] = "HyParView",
            ["Overlay:ActiveViewSize"] = "8",
            ["Overlay:MinActiveViewSize"] = "4",
            ["Overlay:PassiveViewSize"] = "40",
            ["Overlay:ActiveRandomWalkLength"] = "7",
            ["Overlay:PassiveRandomWalkLength"] = "2",
            ["Overlay:ShuffleInterval"] = "00:00:20",
            ["Overlay:ShuffleActiveCount"] = "2",
            ["Overlay:ShufflePassiveCount"] = "5",
            ["Overlay:ShuffleRandomWalkLength"] = "4",
            ["Overlay:RandomPromotionInterval"] = "00:00:03",
            ["Overlay:ReservedTags:0"] = "server",
            ["Overlay:ReservedTags:1"] = "server",
        });

        HyParViewOptions h = options.HyParView;
        Assert.Equal(OverlayKind.HyParView, options.OverlayKind);
        Assert.Equal((8, 4, 40, 7, 2), (h.ActiveViewSize, h.MinActiveViewSize, h.PassiveViewSize, h.ActiveRandomWalkLength, h.PassiveRandomWalkLength));
        Assert.Equal((2, 5, 4), (h.ShuffleActiveCount, h.ShufflePassiveCount, h.ShuffleRandomWalkLength));
        Assert.Equal((TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(3)), (h.ShuffleInterval, h.RandomPromotionInterval));
        Assert.Equal(["server", "server"], h.ReservedTags);
    }

    [Fact]
    public void Binds_static_nodes()
    {
        PartisanOptions options = Read(new()
        {
            ["Overlay:Kind"] = "Static",
            ["Overlay:Nodes:0:Name"] = "a@10.0.0.1",
            ["Overlay:Nodes:0:ListenAddresses:0"] = "10.0.0.1:9000",
            ["Overlay:Nodes:0:ListenAddresses:1"] = "10.0.1.1:9000",
            ["Overlay:Nodes:1:Name"] = "b@10.0.0.2",
            ["Overlay:Nodes:1:ListenAddresses"] = "10.0.0.2:9000",
            ["Overlay:Nodes:1:Tags:0"] = "server",
        });

        Assert.Equal(OverlayKind.Static, options.OverlayKind);
        Assert.Equal(2, options.Static.Nodes.Count);
        StaticNodeOptions a = options.Static.Nodes[0];
        StaticNodeOptions b = options.Static.Nodes[1];
        Assert.Equal("a@10.0.0.1", a.Name);
        Assert.Equal(["10.0.0.1:9000", "10.0.1.1:9000"], a.ListenAddresses);
        Assert.Empty(a.Tags);
        Assert.Equal("b@10.0.0.2", b.Name);
        Assert.Equal(["10.0.0.2:9000"], b.ListenAddresses);
        Assert.Equal(["server"], b.Tags);
    }

    [Fact]
    public void Every_overlay_option_is_bindable()
    {
        string[] settable =
        [
            .. typeof(HyParViewOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name),
            .. typeof(ClientServerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name),
            .. typeof(StaticOverlayOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name),
        ];

        Assert.Equal(settable.Order(StringComparer.Ordinal), PartisanOptionsSetup.OverlaySettingKinds.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Overlay:Kind=Ring", "Partisan:Overlay:Kind: 'Ring' is not one of FullMesh, HyParView, ClientServer, Static.")]
    [InlineData("Overlay=ClientServer", "Partisan:Overlay: expected a section with Kind")]
    [InlineData("Overlay:Kind=ClientServer|Overlay:ServersPerClient=two", "Partisan:Overlay:ServersPerClient: 'two' is not a whole number.")]
    [InlineData("Overlay:Kind=ClientServer|Overlay:ServersPerClient=-1", "ClientServer ServersPerClient must be between 0 (all servers) and 1024, not -1.")]
    [InlineData("Overlay:Kind=ClientServer|Overlay:ServerTag=not a tag", "ClientServer ServerTag: Tag 'not a tag' has the character ' '")]
    [InlineData("Overlay:Kind=HyParView|Overlay:ShuffleInterval=often", "Partisan:Overlay:ShuffleInterval: 'often' is not a duration")]
    [InlineData("Overlay:Kind=HyParView|Overlay:ActiveViewSize=0", "HyParView ActiveViewSize must be between 1 and 64, not 0.")]
    [InlineData("Overlay:Kind=HyParView|Overlay:ReservedTags:0:Name=server", "Partisan:Overlay:ReservedTags:0: expected a tag, not a section.")]
    [InlineData("Overlay:Kind=Static|Overlay:Nodes:0:ListenAddresses:0=10.0.0.1:9000", "Partisan:Overlay:Nodes:0:Name is required")]
    [InlineData("Overlay:Kind=Static|Overlay:Nodes:0:Name=bad|Overlay:Nodes:0:ListenAddresses:0=10.0.0.1:9000", "Partisan:Overlay:Nodes:0:Name: ")]
    [InlineData("Overlay:Kind=Static|Overlay:Nodes:0:Name=a@h", "Partisan:Overlay:Nodes:0:ListenAddresses is required")]
    [InlineData("Overlay:Kind=Static|Overlay:Nodes:0:Name=a@h|Overlay:Nodes:0:ListenAddresses:0=h:0", "Partisan:Overlay:Nodes:0:ListenAddresses:0: 'h:0' has port 0")]
    [InlineData("Overlay:Kind=Static|Overlay:Nodes:0:Name=a@h|Overlay:Nodes:0:ListenAddresses:0=nowhere", "Partisan:Overlay:Nodes:0:ListenAddresses:0: ")]
    [InlineData("Overlay:Kind=Static|Overlay:Nodes:0:Name=a@h|Overlay:Nodes:0:ListenAddresses:0=h:1|Overlay:Nodes:0:Tags:0=a b", "Partisan:Overlay:Nodes:0:Tags:0: Tag 'a b'")]
    [InlineData("Overlay:Kind=Static|Overlay:Nodes=a@h", "Partisan:Overlay:Nodes: expected a list of nodes")]
    [InlineData("Overlay:Kind=FullMesh|Overlay:ServersPerClient=2", "Partisan:Overlay:ServersPerClient is a ClientServer setting, but the overlay is FullMesh")]
    [InlineData("Overlay:ActiveViewSize=5", "Partisan:Overlay:ActiveViewSize is a HyParView setting, but the overlay is FullMesh")]
    [InlineData("Overlay:Kind=ClientServer|Overlay:Nodes:0:Name=a@h|Overlay:Nodes:0:ListenAddresses:0=h:1", "Partisan:Overlay:Nodes is a Static setting, but the overlay is ClientServer")]
    public void Invalid_overlay_setting_is_reported_with_its_key_path(string assignments, string expected)
    {
        var settings = new Dictionary<string, string?>();
        foreach (string assignment in assignments.Split('|'))
        {
            string[] parts = assignment.Split('=', 2);
            settings[parts[0]] = parts[1];
        }

        Assert.Contains(expected, ReadInvalid(settings), StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_kind_is_one_error_not_one_per_key()
    {
        string message = ReadInvalid(new() { ["Overlay:Kind"] = "Ring", ["Overlay:ServersPerClient"] = "2" });

        Assert.Contains("'Ring' is not one of", message, StringComparison.Ordinal);
        Assert.DoesNotContain("is a ClientServer setting", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Code_may_choose_the_kind_whose_settings_configuration_gave()
    {
        PartisanOptions options = Read(new() { ["Overlay:ServersPerClient"] = "3" }, o => o.OverlayKind = OverlayKind.ClientServer);

        Assert.Equal(3, options.ClientServer.ServersPerClient);
    }

    [Fact]
    public void A_code_factory_overrides_the_kind_and_its_settings_are_not_checked()
    {
        PartisanOptions options = Read(new() { ["Overlay:ServersPerClient"] = "-5" }, o => o.Overlay = () => new Partisan.Overlays.FullMesh.FullMeshOverlay());

        Assert.NotNull(options.Overlay);
    }

    [Fact]
    public void Unknown_overlay_keys_and_misplaced_overlay_options_are_warnings()
    {
        PartisanOptions options = Read(new()
        {
            ["Overlay:Kind"] = "ClientServer",
            ["Overlay:ServersPerClinet"] = "2",
            ["ClientServer:ServersPerClient"] = "2",
            ["Overlay:Kind2"] = "x",
        });

        List<string> warnings = PartisanOptionsSetup.ReportFor(options)!.Warnings;
        Assert.Contains(warnings, w => w.StartsWith("Partisan:Overlay:ServersPerClinet is not an overlay setting", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("Partisan:ClientServer is not read: the overlay is configured in the Overlay section", StringComparison.Ordinal));
        Assert.Equal(0, options.ClientServer.ServersPerClient);
    }

    [Fact]
    public void The_code_shape_validates_the_chosen_kind_only()
    {
        var options = new PartisanOptions { NodeName = "code@127.0.0.1", OverlayKind = OverlayKind.ClientServer };
        options.ClientServer.ServersPerClient = 2;
        options.HyParView.ActiveViewSize = 0; // not the chosen kind: not checked

        Assert.Empty(options.Validate());

        options.OverlayKind = OverlayKind.Static;
        options.Static.Nodes.Add(new StaticNodeOptions { Name = "a@h" });
        Assert.Contains("Static Nodes[0]: ListenAddresses needs at least one 'host:port'.", options.Validate());
    }

    [Fact]
    public async Task The_hyparview_kind_starts_a_node_on_the_hyparview_overlay_with_the_bound_settings()
    {
        PartisanOptions options = Read(new()
        {
            ["NodeName"] = "hpv@127.0.0.1",
            ["ListenAddresses:0"] = "127.0.0.1:0",
            ["Overlay:Kind"] = "HyParView",
            ["Overlay:ActiveViewSize"] = "4",
            ["Overlay:RouteSearchHops"] = "5",
        });

        await using PartisanNode node = await PartisanNode.StartAsync(options);

        Partisan.Overlays.HyParView.HyParViewOverlay overlay = Assert.IsType<Partisan.Overlays.HyParView.HyParViewOverlay>(node.Overlay);
        Assert.Empty(overlay.ActiveView);
        Assert.Equal(4, options.HyParView.ActiveViewSize);
        Assert.Equal(5, options.HyParView.RouteSearchHops);
    }
}
