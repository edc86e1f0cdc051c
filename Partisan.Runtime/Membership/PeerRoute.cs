using System.Collections.Frozen;
using Partisan.Transport;

namespace Partisan.Membership;

/// <summary>
/// Everything this node keeps for one peer: its spec, whether it is a member (or only connected,
/// e.g. while it joins), and a <see cref="ConnectionSlot"/> per (channel, index). Senders read it
/// through an immutable routing table; the manager's loop owns the mutable fields.
/// </summary>
internal sealed class PeerRoute
{
    public PeerRoute(NodeSpec spec, bool isMember, IReadOnlyList<ChannelOptions> channels, long maxPendingBytes)
    {
        Spec = spec;
        IsMember = isMember;
        var byName = new Dictionary<string, ChannelRoute>(StringComparer.Ordinal);
        var all = new List<ConnectionSlot>();
        foreach (ChannelOptions channel in channels)
        {
            var slots = new ConnectionSlot[channel.Parallelism];
            for (int i = 0; i < slots.Length; i++)
            {
                slots[i] = new ConnectionSlot(spec.Name, channel, i, maxPendingBytes);
                all.Add(slots[i]);
            }

            byName[channel.Name] = new ChannelRoute(channel, slots);
        }

        Channels = byName.ToFrozenDictionary(StringComparer.Ordinal);
        AllSlots = all.ToArray();
    }

    public NodeName Name => Spec.Name;

    public volatile NodeSpec Spec;

    public bool IsMember { get; set; }

    /// <summary>Removed from the routing table; late events for it are ignored.</summary>
    public bool Removed { get; set; }

    /// <summary>Bumped when the peer restarts (new incarnation): connections of older generations no longer count.</summary>
    public int Generation { get; set; }

    /// <summary>Live connections of the current generation.</summary>
    public int Connected { get; set; }

    /// <summary>True once the peer was up and then lost every connection: sends are dropped (as in Erlang) until it is back.</summary>
    public volatile bool IsDown;

    /// <summary>Index of the listen address to dial next.</summary>
    public int AddressIndex { get; set; }

    public FrozenDictionary<string, ChannelRoute> Channels { get; }

    public ConnectionSlot[] AllSlots { get; }

    public ChannelRoute? GetChannel(string name) => Channels.GetValueOrDefault(name);

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
}

/// <summary>The slots of one channel to one peer.</summary>
internal sealed record ChannelRoute(ChannelOptions Options, ConnectionSlot[] Slots);
