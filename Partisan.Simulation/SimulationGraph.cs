namespace Partisan.Simulation;

/// <summary>
/// A directed graph over the live nodes at one instant: from each node's <see cref="Overlays.IOverlay.Neighbours"/>
/// (<see cref="OverlaySimulation.ActiveGraph"/>) or its open links (<see cref="OverlaySimulation.LinkGraph"/>).
/// Components are taken ignoring direction (a link carries traffic both ways).
/// </summary>
public sealed class SimulationGraph
{
    private readonly NodeName[] _nodes;
    private readonly int[][] _edges;
    private int _largest = -1;

    internal SimulationGraph(NodeName[] nodes, int[][] edges)
    {
        _nodes = nodes;
        _edges = edges;
    }

    /// <summary>The live nodes, in the order they were added to the simulation.</summary>
    public IReadOnlyList<NodeName> Nodes => _nodes;

    /// <summary>How many edges (directed) the graph has.</summary>
    public int EdgeCount
    {
        get
        {
            int count = 0;
            foreach (int[] e in _edges)
            {
                count += e.Length;
            }

            return count;
        }
    }

    /// <summary>The nodes <paramref name="node"/> points at (empty when it is not a live node).</summary>
    public IReadOnlyList<NodeName> Edges(NodeName node)
    {
        int i = Array.IndexOf(_nodes, node);
        if (i < 0)
        {
            return [];
        }

        var result = new NodeName[_edges[i].Length];
        for (int k = 0; k < result.Length; k++)
        {
            result[k] = _nodes[_edges[i][k]];
        }

        return result;
    }

    /// <summary>Out-degrees over the live nodes.</summary>
    public DegreeStats Degrees()
    {
        var values = new List<int>(_edges.Length);
        foreach (int[] e in _edges)
        {
            values.Add(e.Length);
        }

        return DegreeStats.Of(values);
    }

    /// <summary>The size of the largest connected component (edges taken both ways); 0 for no live node.</summary>
    public int LargestComponent()
    {
        if (_largest >= 0)
        {
            return _largest;
        }

        int n = _nodes.Length;
        var undirected = new List<int>[n];
        for (int i = 0; i < n; i++)
        {
            undirected[i] = new List<int>(_edges[i].Length);
        }

        for (int i = 0; i < n; i++)
        {
            foreach (int j in _edges[i])
            {
                undirected[i].Add(j);
                undirected[j].Add(i);
            }
        }

        var seen = new bool[n];
        var stack = new Stack<int>();
        int largest = 0;
        for (int start = 0; start < n; start++)
        {
            if (seen[start])
            {
                continue;
            }

            int size = 0;
            seen[start] = true;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int v = stack.Pop();
                size++;
                foreach (int w in undirected[v])
                {
                    if (!seen[w])
                    {
                        seen[w] = true;
                        stack.Push(w);
                    }
                }
            }

            largest = Math.Max(largest, size);
        }

        _largest = largest;
        return largest;
    }

    /// <summary>True when every live node is in one component (and there is at least one).</summary>
    public bool IsConnected() => _nodes.Length > 0 && LargestComponent() == _nodes.Length;
}
