using System.Collections.Frozen;

namespace Partisan.Connections;

/// <summary>
/// Everything this node keeps to reach one peer directly: its spec, whether the overlay wants it connected,
/// and a <see cref="ConnectionSlot"/> per (channel, index). Senders read it through the immutable table the
/// <see cref="ConnectionManager"/> publishes; the node's loop owns the mutable fields.
/// </summary>
internal sealed class PeerConnectionSet
{
    public PeerConnectionSet(NodeSpec spec, bool wanted, IReadOnlyList<ChannelOptions> channels, long maxPendingBytes, long backPressureBytes = 0)
    {
        Spec = spec;
        Wanted = wanted;
        var byName = new Dictionary<string, ChannelSlots>(StringComparer.Ordinal);
        var all = new List<ConnectionSlot>();
        foreach (ChannelOptions channel in channels)
        {
            var slots = new ConnectionSlot[channel.Parallelism];
            for (int i = 0; i < slots.Length; i++)
            {
                slots[i] = new ConnectionSlot(spec.Name, channel, i, maxPendingBytes, backPressureBytes);
                all.Add(slots[i]);
            }

            byName[channel.Name] = new ChannelSlots(channel, slots);
        }

        Channels = byName.ToFrozenDictionary(StringComparer.Ordinal);
        AllSlots = all.ToArray();
    }

    public NodeName Name => Spec.Name;

    public volatile NodeSpec Spec;

    /// <summary>The overlay wants this peer connected (a neighbour): its slots are dialed and redialed.</summary>
    public bool Wanted { get; set; }

    /// <summary>Dialed because something was sent to it although it is not a neighbour (until it goes idle).</summary>
    public bool OnDemand { get; set; }

    /// <summary>Removed from the table; late events for it are ignored.</summary>
    public bool Removed { get; set; }

    /// <summary>Bumped when the peer restarts (new incarnation): connections of older generations no longer count.</summary>
    public int Generation { get; set; }

    /// <summary>Live connections of the current generation.</summary>
    public int Connected { get; set; }

    /// <summary>True once the peer was up and then lost every connection: direct sends are refused until it is back.</summary>
    public volatile bool IsDown;

    /// <summary>
    /// The protocol version the last connection established to this peer settled on (every connection to a peer settles on
    /// the same one); 0 until one is. Read by subsystems that need version 2 fields (acknowledged delivery).
    /// </summary>
    public volatile int ProtocolVersion;

    /// <summary>Index of the listen address to dial next.</summary>
    public int AddressIndex { get; set; }

    public FrozenDictionary<string, ChannelSlots> Channels { get; }

    public ConnectionSlot[] AllSlots { get; }

    public ChannelSlots? GetChannel(string name) => Channels.GetValueOrDefault(name);

    /// <summary>Slots with an open connection.</summary>
    public int LiveSlots()
    {
        int live = 0;
        foreach (ConnectionSlot slot in AllSlots)
        {
            if (slot.Current is { IsClosed: false })
            {
                live++;
            }
        }

        return live;
    }

    /// <summary>True when no slot has a connection (open or reserved), a dial in progress, or queued frames.</summary>
    public bool IsIdle()
    {
        foreach (ConnectionSlot slot in AllSlots)
        {
            if (slot.Current is not null || slot.Dialing || slot.Queue.PendingBytes > 0)
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The slots of one channel to one peer.</summary>
internal sealed record ChannelSlots(ChannelOptions Options, ConnectionSlot[] Slots);
