using Partisan.Faults;

namespace Partisan.Tests.Delivery.Jepsen;

/// <summary>Plays a <see cref="FaultSchedule"/> on nodes through their <see cref="FaultInjector"/>s, one round at a time, and ends every fault it started.</summary>
internal sealed class FaultScheduleRunner(IReadOnlyList<PartisanNode> nodes)
{
    private readonly List<(int Until, Action End)> _active = new();

    /// <summary>Starts the faults of <paramref name="step"/> and ends those whose time is up at its round.</summary>
    public void Play(FaultStep step)
    {
        EndDue(step.Round);
        switch (step)
        {
            case FaultStep.Partition partition:
                Partition(partition);
                break;
            case FaultStep.Kill kill:
                nodes[kill.A].Faults.KillConnections(nodes[kill.B].Name);
                break;
            case FaultStep.Rule rule:
                FaultInjector faults = nodes[rule.Node].Faults;
                FaultHandle handle = faults.Add(new FaultRule { Action = rule.Action, Probability = rule.Probability, Peer = nodes[rule.Peer].Name, Direction = FaultDirection.Send, Delay = rule.Delay });
                _active.Add((rule.Until, () => faults.Remove(handle)));
                break;
        }
    }

    private void Partition(FaultStep.Partition partition)
    {
        NodeName[] side = [.. partition.Side.Select(i => nodes[i].Name)];
        NodeName[] rest = [.. nodes.Where((_, i) => !partition.Side.Contains(i)).Select(n => n.Name)];
        foreach (PartisanNode node in nodes)
        {
            FaultInjector faults = node.Faults;
            PartitionHandle handle = faults.InjectPartition(side.Contains(node.Name) ? rest : side);
            _active.Add((partition.Until, () => faults.ResolvePartition(handle)));
        }
    }

    private void EndDue(int round)
    {
        for (int i = _active.Count - 1; i >= 0; i--)
        {
            if (_active[i].Until <= round)
            {
                _active[i].End();
                _active.RemoveAt(i);
            }
        }
    }

    /// <summary>Ends every fault still in force.</summary>
    public void EndAll() => EndDue(int.MaxValue);
}
