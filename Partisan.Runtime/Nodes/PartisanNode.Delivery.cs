using Partisan.Channels;
using Partisan.Delivery;
using Partisan.Faults;
using Partisan.Routing;

namespace Partisan;

/// <content>Delivery guarantees (acknowledged delivery) and fault injection: their composition and public API.</content>
public sealed partial class PartisanNode
{
    private AckOutbox _acks = null!;
    private AckStage _ackStage = null!;
    private CausalStage _causal = null!;
    private FaultInjector? _faults;

    private void ComposeDelivery(PartisanOptions options, InboundDispatcher dispatcher)
    {
        if (options.Faults.Enabled)
        {
            _faults = new FaultInjector(options.Faults, TimeProvider, _connections);
            _connections.Faults = _faults;
        }

        _acks = new AckOutbox(_router, options.Delivery, TimeProvider, Metrics, _logger, IsMember) { Faults = _faults };
        _ackStage = new AckStage(_acks, new AckReceiver(), (to, ack, key) => _router.SendControl(to, ack, ChannelOptions.DefaultName, key, sender: 0), _channels, Metrics, _logger);

        // No cost when unused: inbound, the stage sees only messages that carry the acknowledgement fields; outbound, it
        // is installed when a channel asks for acknowledgements, or else on the first message that does.
        Pipeline.Install(_ackStage, StageOrder.Ack, StageDirections.InboundAcked);
        if (_ackStage.HasAckChannels)
        {
            InstallAckStage();
        }
        else
        {
            _router.OnAckWanted(InstallAckStage);
        }

        // Causal delivery: inbound it sees only messages with a causal stamp; outbound it enters with the first labelled message.
        _causal = new CausalStage(options.Delivery, _channels, Name, IsMember, node => _router.ProtocolVersionOf(node), dispatcher.DeliverUnstaged, TimeProvider, Metrics, _logger);
        Pipeline.Install(_causal, StageOrder.Causal, StageDirections.InboundCausal);
        if (_causal.HasCausalChannels)
        {
            Pipeline.Install(_causal, StageOrder.Causal, StageDirections.Outbound);
        }
        else
        {
            _router.OnCausalWanted(() => Pipeline.Install(_causal, StageOrder.Causal, StageDirections.Outbound));
        }

        if (_faults is not null)
        {
            // Installed with the first interposition function or predicate rule: until then no message enters it.
            var stage = new FaultStage(_faults, _router, dispatcher);
            _faults.MessageFaultsAdded = () => Pipeline.Install(stage, StageOrder.Faults, StageDirections.Both);
        }

        Controls.Register<AckMessage>((from, ack) => _acks.Acked(from, ack));
        _connections.ConnectionEstablished = node => _acks.Reconnected(node);
    }

    private void InstallAckStage() => Pipeline.Install(_ackStage, StageOrder.Ack, StageDirections.Outbound);

    private bool IsMember(NodeName node)
    {
        IReadOnlyList<NodeName> members = _peers.Members;
        for (int i = 0; i < members.Count; i++)
        {
            if (members[i] == node)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// This node's fault injector: drop, delay, duplicate and reorder per peer and direction, interposition functions,
    /// partitions and connection kills (docs/delivery.md, "Fault injection").
    /// </summary>
    /// <exception cref="InvalidOperationException">Fault injection is off (<see cref="FaultOptions.Enabled"/>).</exception>
    public FaultInjector Faults => _faults ?? throw new InvalidOperationException("Fault injection is off: set PartisanOptions.Faults.Enabled before the node starts.");

    /// <summary>
    /// Sends <paramref name="message"/> with acknowledged delivery and completes when <paramref name="target"/>'s node has it
    /// (delivered to the mailbox, or dropped there because the process does not exist): retransmitted until then, and
    /// delivered exactly once while both nodes live. Waits for room when the store of unacknowledged messages is full.
    /// </summary>
    /// <exception cref="DeliveryFailedException">The deadline (<paramref name="timeout"/>, on the node's clock) passed, the node is not
    /// or no longer a member, it speaks protocol version 1, or this node stopped.</exception>
    public async Task SendAckedAsync(ProcessRef target, object message, ForwardOptions options = default, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (target.Node == Name)
        {
            DeliverLocal(target, message);
            return;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var deadline = timeout is { } limit ? new CancellationTokenSource(limit, TimeProvider) : null;
        using CancellationTokenRegistration expiry = deadline is null ? default : deadline.Token.Register(
            static s => ((TaskCompletionSource)s!).TrySetException(new DeliveryFailedException("The deadline passed before the acknowledgement came.")),
            done);
        PendingMessage? pending = await _acks.SendAsync(target.Node, target, message, options with { Ack = true }, CausalFields(target.Node, options), done, cancellationToken).ConfigureAwait(false);
        try
        {
            await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DeliveryFailedException ex) when (ex.Reason == DeliveryFailure.Deadline || deadline?.IsCancellationRequested == true)
        {
            _acks.GiveUp(pending, DeliveryFailure.Deadline, "gave up at the deadline");
            throw new DeliveryFailedException(target.Node, DeliveryFailure.Deadline, $"{target.Node} did not acknowledge the message within {timeout}.");
        }
    }

    /// <summary>
    /// The protocol version the connections to <paramref name="node"/> settled on (1 or 2), or null while none was ever
    /// established. Version 1 peers have no header fields: no acknowledged or causal delivery, no trace context.
    /// </summary>
    public int? ProtocolVersionOf(NodeName node) => _router.ProtocolVersionOf(node) is var version and > 0 ? version : null;

    /// <summary>Messages kept until acknowledged, now (for diagnostics and tests).</summary>
    public int UnackedMessages => _acks.Count;

    internal AckOutbox Acks => _acks;

    internal AckStage AckStage => _ackStage;

    /// <summary>Messages held back by causal delivery now, waiting for what they depend on (all labels).</summary>
    public int HeldCausalMessages => _causal.Held;

    /// <summary>
    /// Held causal messages whose missing dependencies this node declared lost so far (the hold bound or
    /// <see cref="DeliveryOptions.CausalHoldTimeout"/>; each logged, and counted as dropped with reason <c>causal_gap</c>).
    /// </summary>
    public long CausalGaps => _causal.Gaps;

    internal CausalStage Causal => _causal;

    /// <summary>The send path (for tests that put bad input on the wire).</summary>
    internal Router Router => _router;

    /// <summary>The causal stamp for a message that bypasses the outbound pipeline (acknowledged sends that wait for room), or none.</summary>
    private FrameExtensions CausalFields(NodeName destination, in ForwardOptions options)
    {
        var fields = default(FrameExtensions);
        if (_causal.LabelFor(options) is { } label)
        {
            if (_router.ProtocolVersionOf(destination) == 1)
            {
                throw new DeliveryFailedException(destination, DeliveryFailure.Unsupported, $"{destination} speaks protocol version 1, which cannot carry causal stamps.");
            }

            fields.CausalClock = _causal.StampFor(destination, label);
        }

        return fields;
    }

    private ValueTask<bool> SendWithAckAsync(ProcessRef target, object message, ForwardOptions options, CancellationToken cancellationToken)
    {
        ValueTask<PendingMessage?> sent = _acks.SendAsync(target.Node, target, message, options, CausalFields(target.Node, options), null, cancellationToken);
        return sent.IsCompletedSuccessfully ? ValueTask.FromResult(true) : Await(sent);

        static async ValueTask<bool> Await(ValueTask<PendingMessage?> sent)
        {
            await sent.ConfigureAwait(false);
            return true;
        }
    }
}
