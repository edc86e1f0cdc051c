namespace Partisan.Channels;

/// <summary>
/// Ids of the optional header fields of a message frame (protocol version 2, docs/wire.md "Header extensions"). A reader
/// skips ids it does not know by their length, so a newer sender may add fields an older reader ignores. Ids are never
/// reused; 0 is never sent.
/// </summary>
internal enum ExtensionField : uint
{
    /// <summary>Acknowledgement id (<c>varuint64</c>): the receiver acknowledges the message by it (acknowledged delivery).</summary>
    AckId = 1,

    /// <summary>
    /// Reserved: the causal clock's placeholder before causal delivery existed (opaque bytes, never given a meaning). Never
    /// sent; a reader skips it like an unknown id. Causal delivery uses <see cref="CausalClock"/>.
    /// </summary>
    ReservedCausalPlaceholder = 2,

    /// <summary>W3C trace context <c>traceparent</c> in binary: version <c>u8</c> (0), trace id 16 bytes, parent span id 8 bytes, flags <c>u8</c>.</summary>
    TraceParent = 3,

    /// <summary>W3C <c>tracestate</c>, UTF-8 (at most 512 bytes); only with <see cref="TraceParent"/>.</summary>
    TraceState = 4,

    /// <summary>
    /// Acknowledgement context, with <see cref="AckId"/>: <c>varuint64</c> the sender's run (its incarnation), then
    /// <c>varuint64</c> the lowest sequence it still waits an acknowledgement for from this receiver (everything below was
    /// acknowledged and is never sent again). The receiver deduplicates by (run, sequence).
    /// </summary>
    AckContext = 5,

    /// <summary>
    /// Causal stamp (causal delivery, docs/wire.md): the label, the sender's vector clock of that label and its order
    /// buffer; the receiver delivers the message after what it depends on. A reader that does not know the id delivers
    /// the message at once, as a plain one.
    /// </summary>
    CausalClock = 6,
}
