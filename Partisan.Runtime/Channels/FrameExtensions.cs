using System.Diagnostics;
using Partisan.Serialization;

namespace Partisan.Channels;

/// <summary>
/// The optional header fields of one message frame (protocol version 2): what subsystems such as acknowledged delivery,
/// causal delivery and tracing carry beside a message without touching the codec. On the way out, a delivery stage sets
/// them on <see cref="Routing.OutboundMessage.Extensions"/>; on the way in, stages read them from
/// <see cref="Routing.InboundMessage.Extensions"/>. Empty (the default) costs nothing on the wire: the frame is the
/// version 1 frame. Encoding and decoding: <see cref="FrameExtensionsCodec"/>.
/// </summary>
/// <remarks>
/// Fields read from a frame that hold bytes (<see cref="CausalClock"/>) point into the connection's receive buffer
/// when they can: they are valid only during the inbound stages' call; copy what you keep.
/// </remarks>
internal struct FrameExtensions
{
    /// <summary>No fields (pass by <c>in</c> where there is nothing to add).</summary>
    public static readonly FrameExtensions None;

    private Fields _present;
    private ulong _ackId;
    private AckContext _ackContext;
    private ReadOnlyMemory<byte> _causalClock;
    private ActivityContext _traceContext;
    private ReadOnlyMemory<byte> _rawFields;

    [Flags]
    private enum Fields : byte
    {
        None = 0,
        AckId = 1,
        CausalClock = 2,
        TraceContext = 4,
        RawFields = 8,
        AckContext = 16,
    }

    /// <summary>True when no field is set: the frame is written exactly as in protocol version 1.</summary>
    public readonly bool IsEmpty => _present == Fields.None;

    /// <summary>
    /// Which inbound stage list a message with these fields takes (<see cref="Routing.DeliveryPipeline.InboundStages"/>):
    /// bit 0 when it came by acknowledged delivery, bit 1 when it carries a causal stamp.
    /// </summary>
    public readonly int InboundKind => (IsAcked ? 1 : 0) | (Has(Fields.CausalClock) ? 2 : 0);

    /// <summary>True when both acknowledgement fields are set (<see cref="AckId"/> and <see cref="AckContext"/>): the message came by acknowledged delivery.</summary>
    public readonly bool IsAcked => (_present & (Fields.AckId | Fields.AckContext)) == (Fields.AckId | Fields.AckContext);

    /// <summary>The acknowledgement id (<see cref="ExtensionField.AckId"/>), or null.</summary>
    public ulong? AckId
    {
        readonly get => Has(Fields.AckId) ? _ackId : null;
        set => Set(Fields.AckId, value.HasValue, ref _ackId, value.GetValueOrDefault());
    }

    /// <summary>The acknowledgement context (<see cref="ExtensionField.AckContext"/>): the sender's run and its lowest unacknowledged sequence, or null.</summary>
    public AckContext? AckContext
    {
        readonly get => Has(Fields.AckContext) ? _ackContext : null;
        set => Set(Fields.AckContext, value.HasValue, ref _ackContext, value.GetValueOrDefault());
    }

    /// <summary>The causal clock (<see cref="ExtensionField.CausalClock"/>), opaque here, or null.</summary>
    public ReadOnlyMemory<byte>? CausalClock
    {
        readonly get => Has(Fields.CausalClock) ? _causalClock : (ReadOnlyMemory<byte>?)null; // not ': null', which would convert to an empty memory
        set => Set(Fields.CausalClock, value.HasValue, ref _causalClock, value.GetValueOrDefault());
    }

    /// <summary>
    /// The W3C trace context (<see cref="ExtensionField.TraceParent"/> and <see cref="ExtensionField.TraceState"/>), or
    /// null. Read from a frame it is marked remote. A trace state longer than 512 UTF-8 bytes is not sent.
    /// </summary>
    public ActivityContext? TraceContext
    {
        readonly get => Has(Fields.TraceContext) ? _traceContext : null;
        set => Set(Fields.TraceContext, value.HasValue, ref _traceContext, value.GetValueOrDefault());
    }

    /// <summary>
    /// Fields already encoded (each <c>varuint id, varuint length, bytes</c>), written after the known ones: for a field
    /// this version does not define yet (experiments, tests of what an older reader does with it). Never filled by the
    /// reader, which skips ids it does not know.
    /// </summary>
    /// <exception cref="ArgumentException">The bytes are not a sequence of well-formed fields.</exception>
    public ReadOnlyMemory<byte>? RawFields
    {
        readonly get => Has(Fields.RawFields) ? _rawFields : (ReadOnlyMemory<byte>?)null;
        set
        {
            if (value is { } raw && FrameExtensionsCodec.CheckRawFields(raw.Span) is { } problem)
            {
                throw new ArgumentException("Malformed raw header fields: " + problem, nameof(value));
            }

            Set(Fields.RawFields, value.HasValue, ref _rawFields, value.GetValueOrDefault());
        }
    }

    private readonly bool Has(Fields field) => (_present & field) != 0;

    private void Set<T>(Fields field, bool present, ref T slot, T value)
    {
        slot = present ? value : default!;
        _present = present ? _present | field : _present & ~field;
    }

    /// <inheritdoc />
    public override readonly string ToString() =>
        IsEmpty ? "no extensions" : $"ack {AckId?.ToString() ?? "-"}, clock {CausalClock?.Length.ToString() ?? "-"} bytes, trace {TraceContext?.TraceId.ToString() ?? "-"}, raw {RawFields?.Length.ToString() ?? "-"} bytes";
}

/// <summary>What an acknowledged message carries beside its sequence (<see cref="ExtensionField.AckContext"/>).</summary>
/// <param name="Epoch">The sender's run (its incarnation): a receiver keeps one deduplication window per sender run.</param>
/// <param name="Floor">The lowest sequence the sender still waits an acknowledgement for from this receiver; everything below is settled.</param>
internal readonly record struct AckContext(ulong Epoch, ulong Floor);
