using Partisan.Overlays;
using Partisan.Overlays.Static;

namespace Partisan.Tests.Overlays;

/// <summary>The static overlay's decisions, with no network.</summary>
public class StaticOverlayTests
{
    private static StaticOverlayOptions Options(params string[] names)
    {
        var options = new StaticOverlayOptions();
        for (int i = 0; i < names.Length; i++)
        {
            options.Nodes.Add(new StaticNodeOptions { Name = names[i] + "@127.0.0.1", ListenAddresses = { $"127.0.0.1:{9000 + i}" } });
        }

        return options;
    }

    private static NodeSpec Spec(string name, long incarnation = 5) =>
        new(NodeName.Parse(name + "@127.0.0.1"), [new ListenAddress("127.0.0.1", 9100)], [ChannelOptions.Default], incarnation);

    private static (StaticOverlay Overlay, RecordingOverlayContext Context) Start(string self = "a")
    {
        var overlay = new StaticOverlay(Options("a", "b", "c", "d"));
        var context = new RecordingOverlayContext(Spec(self));
        overlay.Start(context);
        return (overlay, context);
    }

    [Fact]
    public void Members_are_the_configured_nodes_and_all_are_neighbours_from_the_start()
    {
        (StaticOverlay overlay, RecordingOverlayContext context) = Start();

        Assert.Equal(["a", "b", "c", "d"], overlay.Members.Select(m => m.Name.Value[..1]).Order());
        Assert.Equal(["b", "c", "d"], overlay.Neighbours.Select(m => m.Name.Value[..1]).Order());
        Assert.Same(context.Self, overlay.Members.Single(m => m.Name == context.Self.Name));
        Assert.Empty(context.Sent);
        Assert.Empty(context.Timers);
        Assert.Null(overlay.NextHop(Spec("b").Name));
    }

    [Fact]
    public void A_connection_brings_the_nodes_own_spec()
    {
        (StaticOverlay overlay, _) = Start();

        overlay.OnConnected(Spec("b", 42));

        Assert.Equal(42, overlay.Members.Single(m => m.Name == Spec("b").Name).Incarnation);
    }

    [Fact]
    public void An_unconfigured_node_is_refused_at_join_and_admission()
    {
        (StaticOverlay overlay, RecordingOverlayContext context) = Start();
        NodeSpec stranger = Spec("x");

        overlay.Join(stranger);
        OverlayAdmission admission = overlay.Admit(stranger, ChannelOptions.DefaultName);

        Assert.Equal(4, overlay.Members.Count);
        Assert.Equal([stranger.Name], context.Disconnected);
        Assert.False(admission.IsAccepted);
        Assert.Contains("is not in the static configuration", admission.Refusal, StringComparison.Ordinal);
        Assert.True(overlay.Admit(Spec("c"), ChannelOptions.DefaultName).IsAccepted);
    }

    [Fact]
    public void Leave_removes_a_node_from_this_view_until_it_joins_again()
    {
        (StaticOverlay overlay, RecordingOverlayContext context) = Start();
        NodeSpec c = Spec("c");

        overlay.Leave(c.Name);

        Assert.Equal(3, overlay.Members.Count);
        Assert.DoesNotContain(overlay.Neighbours, n => n.Name == c.Name);
        Assert.Equal([c.Name], context.Disconnected);
        Assert.False(overlay.Admit(c, ChannelOptions.DefaultName).IsAccepted);

        overlay.Join(c);

        Assert.Equal(4, overlay.Members.Count);
        Assert.True(overlay.Admit(c, ChannelOptions.DefaultName).IsAccepted);
    }

    [Fact]
    public void A_self_leave_leaves_the_node_alone_until_it_joins_a_configured_node()
    {
        (StaticOverlay overlay, RecordingOverlayContext context) = Start();

        overlay.Leave(context.Self.Name);
        overlay.Start(context); // the node restarts the overlay after a self-leave

        Assert.Single(overlay.Members);
        Assert.Empty(overlay.Neighbours);
        Assert.False(overlay.Admit(Spec("b"), ChannelOptions.DefaultName).IsAccepted);

        overlay.Join(Spec("b"));

        Assert.Equal(4, overlay.Members.Count);
    }

    [Fact]
    public void Invalid_configuration_names_the_entry()
    {
        var options = Options("a", "a");
        options.Nodes.Add(new StaticNodeOptions { Name = "no-host" });
        options.Nodes.Add(new StaticNodeOptions { Name = "e@127.0.0.1", ListenAddresses = { "127.0.0.1:0" } });

        IReadOnlyList<string> errors = options.Validate();

        Assert.Contains("Static Nodes[1]: 'a@127.0.0.1' is listed twice.", errors);
        Assert.Contains(errors, e => e.StartsWith("Static Nodes[2]: Name:", StringComparison.Ordinal));
        Assert.Contains("Static Nodes[2]: ListenAddresses needs at least one 'host:port'.", errors);
        Assert.Contains(errors, e => e.StartsWith("Static Nodes[3]: ListenAddresses: '127.0.0.1:0' has port 0", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => new StaticOverlay(options));
    }
}
