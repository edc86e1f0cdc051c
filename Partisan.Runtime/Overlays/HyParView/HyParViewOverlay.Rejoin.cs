namespace Partisan.Overlays.HyParView;

/// <summary>
/// Healing a partition. A node that failed (a lost active peer, a neighbour request that timed out) leaves the passive view,
/// so after a long partition neither side's views name the other and the paper's protocol would never join them again. Each
/// node remembers the last few that failed (bounded, for <see cref="QuarantineTime"/>) and every few shuffle rounds sends
/// one of them a join naming the incarnation it failed in: a dead node never answers, a node that left or restarted refuses
/// it, and a node across a healed partition takes this node in and walks it into its side, which joins the graphs.
/// </summary>
public sealed partial class HyParViewOverlay
{
    private const int MaxQuarantined = 32;
    private const int RejoinEveryShuffles = 3;

    /// <summary>How long a failed node is remembered for a rejoin attempt.</summary>
    private static readonly TimeSpan QuarantineTime = TimeSpan.FromMinutes(10);

    private readonly List<(NodeSpec Peer, long Until)> _quarantine = new();

    private void Quarantine(NodeSpec peer)
    {
        for (int i = 0; i < _quarantine.Count; i++)
        {
            if (_quarantine[i].Peer.Name == peer.Name)
            {
                _quarantine.RemoveAt(i);
                break;
            }
        }

        if (_quarantine.Count >= MaxQuarantined)
        {
            _quarantine.RemoveAt(0);
        }

        _quarantine.Add((peer, _context.Time.GetTimestamp() + ToTimestamp(QuarantineTime)));
    }

    private void RejoinOneFailed()
    {
        long now = _context.Time.GetTimestamp();
        for (int i = _quarantine.Count - 1; i >= 0; i--)
        {
            NodeName name = _quarantine[i].Peer.Name;
            if (_quarantine[i].Until <= now || IndexOf(_active, name) >= 0 || IndexOf(_passive, name) >= 0)
            {
                // Expired, or known again (it came back through the views): nothing to heal.
                _quarantine.RemoveAt(i);
            }
        }

        if (_quarantine.Count == 0 || _active.Count == 0)
        {
            return;
        }

        NodeSpec peer = _quarantine[_context.Random.Next(_quarantine.Count)].Peer;
        _context.Send(peer, HyParViewMessage.Rejoin(_self, peer));
    }
}
