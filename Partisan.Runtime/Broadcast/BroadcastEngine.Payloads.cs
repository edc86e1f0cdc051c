namespace Partisan.Broadcast;

public sealed partial class BroadcastEngine
{
    // Eager push to the root's eager neighbours, an announcement queued for its lazy ones; never back to where it came from.
    // One message object serves every eager peer (the sender is implicit).
    private void Push(string handler, object id, object payload, int round, NodeName root, NodeName? except)
    {
        _trees.TryGetValue(root, out BroadcastTree? tree);
        GossipMessage? gossip = null;
        IHaveEntry? announcement = null;
        foreach (NodeName peer in _neighbours)
        {
            if (peer == except || peer == root)
            {
                continue;
            }

            if (tree is not null && tree.Lazy.Contains(peer))
            {
                Announce(peer, announcement ??= new IHaveEntry(handler, id, round, root));
            }
            else
            {
                Send(peer, gossip ??= new GossipMessage(handler, id, payload, round, root));
                Counters.PayloadsSent++;
            }
        }
    }

    private void OnGossip(NodeName from, GossipMessage gossip)
    {
        Counters.PayloadsReceived++;
        if (!_handlers.TryGetValue(gossip.Handler, out IBroadcastHandler? handler))
        {
            Drop(from, "payload", "no handler named " + gossip.Handler);
            return;
        }

        if (gossip.Round < 0 || gossip.Root == _context.Self)
        {
            Drop(from, "payload", "a forged root or round"); // this node's own broadcasts never come back to it as new
            return;
        }

        if (!TryMerge(handler, gossip.Id, gossip.Payload, out bool fresh))
        {
            return;
        }

        if (fresh)
        {
            Counters.Delivered++;
            _missing.Remove(new MessageKey(gossip.Handler, gossip.Id));
            MakeEager(gossip.Root, from);
            Push(gossip.Handler, gossip.Id, gossip.Payload, gossip.Round + 1, gossip.Root, except: from);
            return;
        }

        Counters.Duplicates++;
        if (_options.PruneOnDuplicate && IsNeighbour(from))
        {
            MakeLazy(gossip.Root, from);
            Send(from, new PruneMessage(gossip.Handler, gossip.Root));
            Counters.PrunesSent++;
        }
    }

    private void OnPrune(NodeName from, PruneMessage prune)
    {
        if (!IsNeighbour(from) || !_handlers.ContainsKey(prune.Handler))
        {
            Drop(from, "prune", "not a neighbour, or no handler named " + prune.Handler);
            return;
        }

        MakeLazy(prune.Root, from);
    }

    private void OnGraft(NodeName from, GraftMessage graft)
    {
        if (!_handlers.TryGetValue(graft.Handler, out IBroadcastHandler? handler))
        {
            Drop(from, "graft", "no handler named " + graft.Handler);
            return;
        }

        MakeEager(graft.Root, from);
        if (!TryGraft(handler, graft.Id, out GraftResult result))
        {
            return;
        }

        switch (result.Kind)
        {
            case GraftResultKind.Payload:
                Send(from, new GossipMessage(graft.Handler, graft.Id, result.Payload!, graft.Round, graft.Root));
                Counters.PayloadsSent++;
                Counters.GraftsServed++;
                break;
            case GraftResultKind.Error:
                BroadcastLog.GraftFailed(_logger, graft.Handler, from, result.Error ?? "unknown");
                break;
            default:
                break;
        }
    }
}
