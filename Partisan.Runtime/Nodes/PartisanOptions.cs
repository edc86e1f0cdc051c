using Partisan.Membership;
using Partisan.Serialization;
using Partisan.Transport;

namespace Partisan;

/// <summary>
/// Configuration of a node. The scalar settings and the built-in overlay's kind and settings bind from
/// <c>IConfiguration</c> (section <c>Partisan</c>); the transport, TLS, type registry, clock and a custom overlay are set in code. <see cref="Validate"/> lists
/// every problem; a node refuses to start with any.
/// </summary>
public sealed class PartisanOptions
{
    /// <summary>This node's name, <c>name@host</c>. Required.</summary>
    public string? NodeName { get; set; }

    /// <summary>Addresses to listen on, <c>host:port</c>; port 0 picks a free one. Empty means <c>127.0.0.1:0</c>.</summary>
    public List<string> ListenAddresses { get; } = new();

    /// <summary>
    /// The shared secret nodes prove they know (HMAC-SHA256 challenge-response; never sent). Nodes with
    /// different secrets refuse each other. When unset, a fixed development secret is used and a warning logged.
    /// </summary>
    public string? ClusterSecret { get; set; }

    /// <summary>Nodes to join on start, as <c>host:port</c>.</summary>
    public List<string> Seeds { get; } = new();

    /// <summary>
    /// This node's tags, carried in its <see cref="NodeSpec"/> for overlays to read: <c>server</c> marks a server under
    /// the client-server overlay, and HyParView keeps slots for peers with a reserved tag. Letters, digits, '-', '_', '.'
    /// and ':', at most <see cref="NodeSpec.MaxTags"/>.
    /// </summary>
    public List<string> Tags { get; } = new();

    /// <summary>Channels besides <c>default</c> and <c>membership</c> (which always exist; configure them here to change their options).</summary>
    public List<ChannelOptions> Channels { get; } = new();

    /// <summary>The largest frame accepted or sent, in bytes (default 64 MiB). Larger messages fail at the sender; larger frames close the connection.</summary>
    public int MaxFrameSize { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// Frames longer than this many bytes go out in fragments of this size (default 64 KiB; 4 KiB to 1 MiB; with a smaller
    /// <see cref="MaxFrameSize"/>, 32 bytes less than it), so smaller messages of other processes on the same connection go out between
    /// them instead of waiting for a whole large message (docs/wire.md, "Fragments"). Only toward peers of protocol
    /// version 3; older peers get whole frames.
    /// </summary>
    public int FragmentSize { get; set; } = 64 * 1024;

    /// <summary>The fragment size used: <see cref="FragmentSize"/>, less when a fragment with its header would not fit in <see cref="MaxFrameSize"/>.</summary>
    internal int EffectiveFragmentSize => Math.Min(FragmentSize, MaxFrameSize - 32);

    /// <summary>Messages at least this large (serialized) are compressed on channels with compression.</summary>
    public int CompressionThreshold { get; set; } = 512;

    /// <summary>Bytes that may wait to be sent on one connection before further messages are dropped.</summary>
    public long MaxPendingBytesPerConnection { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Bytes queued on one connection past which <see cref="PartisanNode.SendAsync"/> waits until the writer has drained
    /// half of them (default 4 MiB, as Distributed Erlang's busy limit holds a sender at 1 MiB). Sends that cannot wait
    /// (<see cref="PartisanNode.ForwardMessage"/>, casts, calls) never wait: they are refused only past
    /// <see cref="MaxPendingBytesPerConnection"/>. A message larger than this waits for an empty queue. A value above
    /// <see cref="MaxPendingBytesPerConnection"/> acts as that limit.
    /// </summary>
    public long BackPressureBytesPerConnection { get; set; } = 4L * 1024 * 1024;

    /// <summary>How often membership is gossiped and connections are checked.</summary>
    public TimeSpan GossipInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long opening a TCP connection may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long the Partisan handshake may take.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First delay before redialing a peer after a failure; doubles up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest delay between redials.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Keep-alive pings.</summary>
    public KeepAliveOptions KeepAlive { get; } = new();

    /// <summary>How pids, refs and names are encoded on the wire (reading accepts both).</summary>
    public RemoteRefFormat RemoteRefFormat { get; set; } = RemoteRefFormat.Tuple;

    /// <summary>Pad URI-form references to 65 bytes, as Partisan's <c>remote_ref_binary_padding</c>.</summary>
    public bool RemoteRefUriPadding { get; set; }

    /// <summary>The transport; default TCP (with <see cref="Tls"/> if set).</summary>
    public ITransport? Transport { get; set; }

    /// <summary>
    /// How frames after the handshake are protected (docs/wire.md, "Protected frames"; README, "Security"). Every node
    /// of a cluster must use the same mode: a handshake between different modes is refused, never downgraded. The
    /// protected modes need protocol version 2 (a version 1 peer can only do <see cref="FrameProtection.None"/>).
    /// Default <see cref="FrameProtection.None"/>.
    /// </summary>
    public FrameProtection FrameProtection { get; set; } = FrameProtection.None;

    /// <summary>TLS for the default TCP transport.</summary>
    public TlsOptions? Tls { get; set; }

    /// <summary>The types this node can send and receive; default <see cref="TypeRegistry.Default"/>.</summary>
    public TypeRegistry? TypeRegistry { get; set; }

    /// <summary>The clock for timers, timeouts, gossip and keep-alive; default <see cref="System.TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>
    /// Makes the node's overlay (which nodes it knows, which it connects to, how it relays): a code-only factory for an
    /// overlay of your own. When null (the default), the node runs the overlay <see cref="OverlayKind"/> names.
    /// </summary>
    public Func<Overlays.IOverlay>? Overlay { get; set; }

    /// <summary>
    /// Which built-in overlay the node runs when <see cref="Overlay"/> is null (configuration key <c>Partisan:Overlay:Kind</c>):
    /// full mesh (the default, gossiping every <see cref="GossipInterval"/>), HyParView (<see cref="HyParView"/>), client-server
    /// (<see cref="ClientServer"/>) or static (<see cref="Static"/>). Only the chosen kind's settings are validated.
    /// </summary>
    public OverlayKind OverlayKind { get; set; } = OverlayKind.FullMesh;

    /// <summary>Settings of the HyParView overlay (<see cref="OverlayKind"/> <c>HyParView</c>; keys <c>Partisan:Overlay:ActiveViewSize</c>, ...).</summary>
    public Overlays.HyParView.HyParViewOptions HyParView { get; } = new();

    /// <summary>Settings of the client-server overlay (<see cref="OverlayKind"/> <c>ClientServer</c>; keys <c>Partisan:Overlay:ServerTag</c>, <c>Partisan:Overlay:ServersPerClient</c>, ...).</summary>
    public Overlays.ClientServer.ClientServerOptions ClientServer { get; } = new();

    /// <summary>Settings of the static overlay (<see cref="OverlayKind"/> <c>Static</c>; keys <c>Partisan:Overlay:Nodes:0:Name</c>, <c>Partisan:Overlay:Nodes:0:ListenAddresses:0</c>, ...).</summary>
    public Overlays.Static.StaticOverlayOptions Static { get; } = new();

    /// <summary>Seeds the overlay's random choices (<see cref="Overlays.IOverlayContext.Random"/>) so runs repeat; null for a random seed.</summary>
    public int? OverlaySeed { get; set; }

    /// <summary>
    /// How many hops a relayed message may take before it is dropped (default 5, Partisan's <c>relay_ttl</c>). Under
    /// <see cref="OverlayKind.HyParView"/> a route can be longer (paths grow as the logarithm of the cluster's
    /// size), so when this is left at 5 the node allows <see cref="Overlays.HyParView.HyParViewOptions.RouteSearchHops"/> + 2,
    /// as far as a route search reaches.
    /// </summary>
    public int RelayHops { get; set; } = DefaultRelayHops;

    /// <summary>
    /// How long a message for a member with no route yet waits for one before it is dropped (default 5 s; zero drops at
    /// once). A member has no route while the overlay neither connects to it nor reaches it by relay: a message sent as
    /// the overlay forms or heals (or relayed through a node that has not yet computed its own next hop) waits, in order,
    /// and later messages for that member wait behind it. Up to <see cref="MaxPendingBytesPerConnection"/> wait per member.
    /// </summary>
    public TimeSpan RouteWaitTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The default of <see cref="RelayHops"/>.</summary>
    public const int DefaultRelayHops = 5;

    /// <summary>The relay hop limit the node uses: <see cref="RelayHops"/>, raised to the HyParView route search's reach when left at its default.</summary>
    internal int EffectiveRelayHops =>
        RelayHops == DefaultRelayHops && OverlayKind == OverlayKind.HyParView && Overlay is null
            ? Math.Min(255, Math.Max(RelayHops, HyParView.RouteSearchHops + 2))
            : RelayHops;

    /// <summary>
    /// The wire protocol versions this node speaks (default all this build knows, <see cref="ProtocolVersions.Supported"/>).
    /// Internal: tests narrow it to run nodes of different versions in one cluster.
    /// </summary>
    internal ProtocolVersions ProtocolVersions { get; set; } = ProtocolVersions.Supported;

    /// <summary>
    /// Carry the W3C trace context of <see cref="System.Diagnostics.Activity.Current"/> with every user message from the
    /// start (a header field of protocol version 2), whatever activity source it comes from. Off by default: the context
    /// is carried anyway once Partisan's own spans are listened to (a listener of the <c>Partisan</c> source when the node
    /// is created, or the first span this node starts), and until then sends pay nothing for tracing.
    /// </summary>
    public bool PropagateTraceContext { get; set; }

    /// <summary>
    /// Start a producer span for every plain send (<see cref="PartisanNode.Send"/>, <see cref="PartisanNode.ForwardMessage"/>)
    /// when the <c>Partisan</c> activity source has a listener (default false: sends are too frequent to trace by default;
    /// calls and casts always are).
    /// </summary>
    public bool TraceSends { get; set; }

    /// <summary>Acknowledged and causal delivery: retransmission, bounds of the store, causal labels (docs/delivery.md).</summary>
    public DeliveryOptions Delivery { get; } = new();

    /// <summary>Broadcast (Plumtree) on the node: off unless <see cref="Broadcast.BroadcastOptions.Enabled"/>; its channel, bounds and timers (docs/broadcast.md).</summary>
    public Broadcast.BroadcastOptions Broadcast { get; } = new();

    /// <summary>
    /// Peer discovery (configuration section <c>Partisan:Discovery</c>): a static list or DNS, polled every interval by a
    /// <see cref="Discovery.PeerDiscoveryAgent"/> that the hosted service (<c>AddPartisan</c>) starts with the node.
    /// </summary>
    public Discovery.DiscoveryOptions Discovery { get; } = new();

    /// <summary>A discovery of your own, used instead of <see cref="Discovery"/>'s kind (code only).</summary>
    public Discovery.IPeerDiscovery? PeerDiscovery { get; set; }

    /// <summary>Fault injection (<see cref="PartisanNode.Faults"/>): off by default, and then it costs one null check per frame.</summary>
    public Faults.FaultOptions Faults { get; } = new();

    /// <summary>The development secret used when <see cref="ClusterSecret"/> is unset.</summary>
    public const string DevelopmentSecret = "partisan-development-secret";

    /// <summary>Every problem with these options, one sentence each; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(NodeName))
        {
            errors.Add("NodeName is required (e.g. 'a@127.0.0.1').");
        }
        else if (Partisan.NodeName.Validate(NodeName) is { } nameError)
        {
            errors.Add("NodeName: " + nameError);
        }

        foreach (string address in ListenAddresses)
        {
            CheckAddress(errors, "ListenAddresses", address);
        }

        foreach (string seed in Seeds)
        {
            CheckAddress(errors, "Seeds", seed);
        }

        if (Tags.Count > NodeSpec.MaxTags)
        {
            errors.Add($"Tags: at most {NodeSpec.MaxTags} tags are allowed, not {Tags.Count}.");
        }

        foreach (string tag in Tags)
        {
            if (NodeSpec.ValidateTag(tag) is { } tagError)
            {
                errors.Add("Tags: " + tagError);
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (ChannelOptions channel in Channels)
        {
            if (channel is null)
            {
                errors.Add("Channels: an entry is empty.");
                continue;
            }

            if (channel.Validate() is { } channelError)
            {
                errors.Add("Channels: " + channelError);
            }

            if (!names.Add(channel.Name))
            {
                errors.Add($"Channels: '{channel.Name}' is configured twice.");
            }

            if (channel.CausalLabel is { } label && !Delivery.CausalLabels.Contains(label))
            {
                errors.Add($"Channels: '{channel.Name}' names causal label '{label}', which is not in Delivery.CausalLabels.");
            }
        }

        if (MaxFrameSize is < 1024 or > 1024 * 1024 * 1024)
        {
            errors.Add($"MaxFrameSize must be between 1 KiB and 1 GiB, not {MaxFrameSize}.");
        }

        if (FragmentSize is < 4 * 1024 or > 1024 * 1024)
        {
            errors.Add($"FragmentSize must be between 4 KiB and 1 MiB, not {FragmentSize}.");
        }

        if (CompressionThreshold < 0)
        {
            errors.Add("CompressionThreshold must not be negative.");
        }

        if (MaxPendingBytesPerConnection < MaxFrameSize)
        {
            errors.Add("MaxPendingBytesPerConnection must be at least MaxFrameSize.");
        }

        if (BackPressureBytesPerConnection < 1)
        {
            errors.Add($"BackPressureBytesPerConnection must be at least 1, not {BackPressureBytesPerConnection}.");
        }

        CheckPositive(errors, nameof(GossipInterval), GossipInterval);
        Delivery.Validate(errors);
        if (RelayHops is < 1 or > 255)
        {
            errors.Add($"RelayHops must be between 1 and 255, not {RelayHops}.");
        }

        if (RouteWaitTimeout < TimeSpan.Zero)
        {
            errors.Add($"RouteWaitTimeout must not be negative, not {RouteWaitTimeout}.");
        }

        CheckPositive(errors, nameof(ConnectTimeout), ConnectTimeout);
        CheckPositive(errors, nameof(HandshakeTimeout), HandshakeTimeout);
        CheckPositive(errors, nameof(ReconnectMinDelay), ReconnectMinDelay);
        if (ReconnectMaxDelay < ReconnectMinDelay)
        {
            errors.Add("ReconnectMaxDelay must not be shorter than ReconnectMinDelay.");
        }

        if (KeepAlive.Enabled)
        {
            CheckPositive(errors, "KeepAlive.IdleTimeout", KeepAlive.IdleTimeout);
            CheckPositive(errors, "KeepAlive.Interval", KeepAlive.Interval);
            if (KeepAlive.MaxAttempts < 1)
            {
                errors.Add("KeepAlive.MaxAttempts must be at least 1.");
            }
        }

        if (!Enum.IsDefined(RemoteRefFormat))
        {
            errors.Add($"RemoteRefFormat '{RemoteRefFormat}' is not Tuple or Uri.");
        }

        if (ClusterSecret is { Length: < 8 })
        {
            errors.Add("ClusterSecret must be at least 8 characters.");
        }

        if (ProtocolVersions.Validate() is { } versionError)
        {
            errors.Add(versionError);
        }

        if (!Enum.IsDefined(FrameProtection))
        {
            errors.Add($"FrameProtection '{FrameProtection}' is not None, Authenticated or Encrypted.");
        }
        else if (FrameProtection != FrameProtection.None && ProtocolVersions.Max < ProtocolVersions.FrameProtection)
        {
            errors.Add($"FrameProtection {FrameProtection} needs protocol version {ProtocolVersions.FrameProtection}; this node speaks {ProtocolVersions}.");
        }

        CheckOverlay(errors);
        if (Broadcast.Enabled)
        {
            errors.AddRange(Broadcast.Validate());
        }

        if (Tls is not null && (Tls.Server is null || Tls.Client is null))
        {
            errors.Add("Tls needs both Server and Client options.");
        }

        return errors;
    }

    // The chosen built-in overlay's settings; a code factory (Overlay) makes them moot.
    private void CheckOverlay(List<string> errors)
    {
        if (Overlay is not null)
        {
            return;
        }

        switch (OverlayKind)
        {
            case OverlayKind.FullMesh:
                break;
            case OverlayKind.HyParView:
                errors.AddRange(HyParView.Validate());
                break;
            case OverlayKind.ClientServer:
                errors.AddRange(ClientServer.Validate());
                break;
            case OverlayKind.Static:
                errors.AddRange(Static.Validate());
                break;
            default:
                errors.Add($"OverlayKind '{OverlayKind}' is not FullMesh, HyParView, ClientServer or Static.");
                break;
        }
    }

    private static void CheckAddress(List<string> errors, string what, string address)
    {
        try
        {
            ListenAddress.Parse(address);
        }
        catch (FormatException ex)
        {
            errors.Add($"{what}: {ex.Message}");
        }
    }

    private static void CheckPositive(List<string> errors, string what, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{what} must be positive, not {value}.");
        }
    }
}
