namespace Partisan.Overlays.ClientServer;

/// <summary>
/// Rendezvous (highest-random-weight) hashing of (client, server) names: each client ranks every server by a 64-bit weight
/// of the pair, and takes the top ones. The weight depends on the two names only, so every node computes the same ranking
/// with no coordination, and adding or removing a server moves only the clients that ranked it among their choices.
/// </summary>
internal static class ServerRanking
{
    /// <summary>The weight of <paramref name="server"/> for <paramref name="client"/>: FNV-1a over both names, then a 64-bit finalizer.</summary>
    public static ulong Weight(NodeName client, NodeName server)
    {
        const ulong prime = 1099511628211UL;
        ulong h = 14695981039346656037UL;
        foreach (char c in client.Value)
        {
            h = (h ^ c) * prime;
        }

        h = (h ^ 0xFFFF) * prime; // a separator no name character can be ('a@b' + 'c' differs from 'a@' + 'bc')
        foreach (char c in server.Value)
        {
            h = (h ^ c) * prime;
        }

        // SplitMix64's finalizer, so that names differing in one character give unrelated weights.
        h ^= h >> 30;
        h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 27;
        h *= 0x94D049BB133111EBUL;
        h ^= h >> 31;
        return h;
    }

    /// <summary>
    /// The <paramref name="count"/> servers of <paramref name="servers"/> that rank highest for <paramref name="client"/>
    /// (all of them when <paramref name="count"/> is 0 or at least their number), best first.
    /// </summary>
    public static NodeName[] Choose(NodeName client, NodeName[] servers, int count)
    {
        int n = servers.Length;
        var weights = new ulong[n];
        var ranked = (NodeName[])servers.Clone();
        for (int i = 0; i < n; i++)
        {
            weights[i] = ~Weight(client, ranked[i]); // ascending order of ~w is descending order of w
        }

        // Every node sorts the same input (servers sorted by name) the same way, so the ranking agrees everywhere even in
        // the (2^-64) case of equal weights.
        Array.Sort(weights, ranked);
        return count <= 0 || count >= n ? ranked : ranked[..count];
    }
}
