using Partisan.Overlays;

namespace Partisan.Simulation;

/// <summary>Overlay-generic measures of the live nodes: the graph of neighbours, the graph of links, degrees, member counts.</summary>
public sealed partial class OverlaySimulation
{
    /// <summary>The graph of every live node's <see cref="IOverlay.Neighbours"/>, restricted to live nodes.</summary>
    public SimulationGraph ActiveGraph() => BuildGraph(static (node, index) =>
    {
        var edges = new List<int>();
        foreach (NodeSpec spec in node.Overlay.Neighbours)
        {
            if (spec.Name != node.Name && index.TryGetValue(spec.Name, out int j))
            {
                edges.Add(j);
            }
        }

        return edges;
    });

    /// <summary>The graph of the links each live node counts up, restricted to live nodes.</summary>
    public SimulationGraph LinkGraph() => BuildGraph(static (node, index) =>
    {
        var edges = new List<int>();
        foreach (SimulatedPeer peer in node.Peers)
        {
            if (peer.Connected && index.TryGetValue(peer.Name, out int j))
            {
                edges.Add(j);
            }
        }

        edges.Sort();
        return edges;
    });

    /// <summary>The size of the largest connected component of <see cref="ActiveGraph"/>.</summary>
    public int LargestComponent() => ActiveGraph().LargestComponent();

    /// <summary>True when <see cref="ActiveGraph"/> is connected (every live node reaches every other).</summary>
    public bool IsConnectedGraph() => ActiveGraph().IsConnected();

    /// <summary>How many neighbours the live nodes have.</summary>
    public DegreeStats NeighbourDegrees() => ActiveGraph().Degrees();

    /// <summary>How many links the live nodes count up.</summary>
    public DegreeStats LinkDegrees() => LinkGraph().Degrees();

    /// <summary>How many members (<see cref="IOverlay.Members"/>, itself included) the live nodes know.</summary>
    public DegreeStats MemberCounts()
    {
        var counts = new List<int>(_nodes.Count);
        foreach (SimulatedNode node in _nodes)
        {
            if (node.Alive)
            {
                counts.Add(node.Overlay.Members.Count);
            }
        }

        return DegreeStats.Of(counts);
    }

    private SimulationGraph BuildGraph(Func<SimulatedNode, Dictionary<NodeName, int>, List<int>> edgesOf)
    {
        var live = new List<SimulatedNode>(_nodes.Count);
        var index = new Dictionary<NodeName, int>(_nodes.Count);
        foreach (SimulatedNode node in _nodes)
        {
            if (node.Alive)
            {
                index[node.Name] = live.Count;
                live.Add(node);
            }
        }

        var names = new NodeName[live.Count];
        var edges = new int[live.Count][];
        for (int i = 0; i < live.Count; i++)
        {
            names[i] = live[i].Name;
            edges[i] = edgesOf(live[i], index).ToArray();
        }

        return new SimulationGraph(names, edges);
    }
}
