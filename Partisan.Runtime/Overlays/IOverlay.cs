namespace Partisan.Overlays;

/// <summary>
/// An overlay: which nodes this node knows (<see cref="Members"/>), which it keeps connections to
/// (<see cref="Neighbours"/>), whom it lets connect, and how a message reaches a member it has no connection to
/// (<see cref="NextHop"/>). Partisan's <c>partisan_peer_service_manager</c> plus its membership strategy, as one
/// idea. Full mesh (<see cref="FullMesh.FullMeshOverlay"/>) is one; bring your own by implementing this interface
/// and setting <see cref="PartisanOptions.Overlay"/>.
/// </summary>
/// <remarks>
/// The node calls an overlay from its control loop only, never concurrently, so an overlay needs no locks. After
/// every call the node reads <see cref="Members"/> and <see cref="Neighbours"/> and connects, keeps or drops
/// connections to match, and recomputes which nodes are reachable. Everything an overlay does to the world goes
/// through its <see cref="IOverlayContext"/>: sending overlay messages, timers, the clock and randomness (so an
/// overlay run on a virtual clock and a seeded random is deterministic). An exception thrown by an overlay is
/// logged and contained; the node goes on.
/// </remarks>
public interface IOverlay
{
    /// <summary>
    /// Starts the overlay with this node alone (<see cref="IOverlayContext.Self"/>). Called once when the node
    /// starts, and again after <see cref="IOverlayContext.ResetToSingleton"/> or a self-leave, with a new
    /// incarnation of this node: drop the cluster view then.
    /// </summary>
    void Start(IOverlayContext context);

    /// <summary>The application asked to join <paramref name="peer"/> (or the cluster it belongs to).</summary>
    void Join(NodeSpec peer);

    /// <summary>The application asked to remove <paramref name="node"/>; this node itself for a self-leave.</summary>
    void Leave(NodeName node);

    /// <summary>An overlay message (sent with <see cref="IOverlayContext.Send(NodeSpec, object)"/>) arrived from <paramref name="from"/>.</summary>
    void HandleMessage(NodeName from, object message);

    /// <summary>The timer <paramref name="name"/> (see <see cref="IOverlayContext.SetTimer"/>) is due.</summary>
    void OnTimer(string name);

    /// <summary>This node now has at least one connection to <paramref name="peer"/> (inbound or outbound).</summary>
    void OnConnected(NodeSpec peer);

    /// <summary>This node lost its last connection to <paramref name="peer"/> (HyParView's failure detector hears it here).</summary>
    void OnDisconnected(NodeName peer, string reason);

    /// <summary>
    /// Decides whether <paramref name="initiator"/> may open a connection on <paramref name="channel"/> to this node
    /// (it has already proved the cluster secret). Client-server refuses client–client links here.
    /// </summary>
    OverlayAdmission Admit(NodeSpec initiator, string channel);

    /// <summary>The nodes this node knows, itself included: what <see cref="PartisanNode.Members"/> returns.</summary>
    IReadOnlyCollection<NodeSpec> Members { get; }

    /// <summary>The nodes to keep connected (every channel, every connection); never this node.</summary>
    IReadOnlyCollection<NodeSpec> Neighbours { get; }

    /// <summary>
    /// For a member this node has no connection to: the neighbour to hand a message for it to (transitive relay),
    /// or null when it cannot be reached. Full mesh returns null: every member is a neighbour.
    /// </summary>
    NodeName? NextHop(NodeName destination);

    /// <summary>
    /// Something on this node wants to reach <paramref name="destination"/>, to which <see cref="NextHop"/> gave no route and
    /// there is no connection (a send found no route, or <c>PartisanNode.ReachAsync</c>). An overlay that finds routes on
    /// demand (HyParView) starts looking here and publishes what it finds through <see cref="NextHop"/>; the default does
    /// nothing. Called on the loop, at most once per destination while a search can be under way.
    /// </summary>
    void RouteWanted(NodeName destination)
    {
    }
}
