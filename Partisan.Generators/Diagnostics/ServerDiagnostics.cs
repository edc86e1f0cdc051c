using Microsoft.CodeAnalysis;

namespace Partisan.Generators.Diagnostics;

/// <summary>
/// The diagnostics of the [PartisanServer] generator: PARTISAN010–019. PARTISAN013 (a value that
/// cannot be sent) and PARTISAN015 (a handler method of a shape not supported) are shared by every
/// generator that turns methods into messages.
/// </summary>
internal static class ServerDiagnostics
{
    public const string ServerNotPartialId = "PARTISAN010";
    public const string ServerShapeNotSupportedId = "PARTISAN011";
    public const string CallReturnsVoidId = "PARTISAN012";
    public const string ValueHasNoFormatterId = "PARTISAN013";
    public const string CastReturnsValueId = "PARTISAN014";
    public const string HandlerNotSupportedId = "PARTISAN015";
    public const string MissingReferenceId = "PARTISAN016";
    public const string OverloadedHandlerId = "PARTISAN017";
    public const string DeferredReplyReturnsValueId = "PARTISAN018";

    /// <summary>"'{0}' must be declared partial: the generator adds its dispatch, client and start helpers to it".</summary>
    public static readonly DiagnosticDescriptor ServerNotPartial = DiagnosticDescriptors.Create(
        ServerNotPartialId,
        "Server class is not partial",
        "'{0}' must be declared partial: the generator adds its dispatch, client and start helpers to it");

    /// <summary>"'{0}' cannot be a [{1}]: {2}".</summary>
    public static readonly DiagnosticDescriptor ServerShapeNotSupported = DiagnosticDescriptors.Create(
        ServerShapeNotSupportedId,
        "This kind of class cannot be a server",
        "'{0}' cannot be a [{1}]: {2}");

    /// <summary>"The [Call] method '{0}' returns void, but a call waits for a reply: return a value, Task or ValueTask, or make it a [Cast]".</summary>
    public static readonly DiagnosticDescriptor CallReturnsVoid = DiagnosticDescriptors.Create(
        CallReturnsVoidId,
        "A call method returns void",
        "The [Call] method '{0}' returns void, but a call waits for a reply: return a value, Task or ValueTask, or make it a [Cast]");

    /// <summary>"{0} of '{1}' has type '{2}', which has no wire formatter: {3}".</summary>
    public static readonly DiagnosticDescriptor ValueHasNoFormatter = DiagnosticDescriptors.Create(
        ValueHasNoFormatterId,
        "A value that crosses the wire cannot be sent",
        "{0} of '{1}' has type '{2}', which has no wire formatter: {3}");

    /// <summary>"The [Cast] method '{0}' returns '{1}', but a cast has no reply: return void, Task or ValueTask, or make it a [Call]".</summary>
    public static readonly DiagnosticDescriptor CastReturnsValue = DiagnosticDescriptors.Create(
        CastReturnsValueId,
        "A cast method returns a value",
        "The [Cast] method '{0}' returns '{1}', but a cast has no reply: return void, Task or ValueTask, or make it a [Call]");

    /// <summary>"The [{0}] method '{1}' is not supported: {2}".</summary>
    public static readonly DiagnosticDescriptor HandlerNotSupported = DiagnosticDescriptors.Create(
        HandlerNotSupportedId,
        "Handler method shape not supported",
        "The [{0}] method '{1}' is not supported: {2}");

    /// <summary>"'{0}' needs a reference to the {1} assembly (package {1}), whose types the generated code uses".</summary>
    public static readonly DiagnosticDescriptor MissingReference = DiagnosticDescriptors.Create(
        MissingReferenceId,
        "A Partisan assembly the generated code needs is not referenced",
        "'{0}' needs a reference to the {1} assembly (package {1}), whose types the generated code uses");

    /// <summary>"'{0}' has more than one [Call] or [Cast] method named '{1}': requests are named after their methods, so give each its own name".</summary>
    public static readonly DiagnosticDescriptor OverloadedHandler = DiagnosticDescriptors.Create(
        OverloadedHandlerId,
        "Overloaded call or cast methods",
        "'{0}' has more than one [Call] or [Cast] method named '{1}': requests are named after their methods, so give each its own name");

    /// <summary>"The [Call] method '{0}' takes a ReplyTo to answer later, so it must return void, Task or ValueTask, not '{1}'".</summary>
    public static readonly DiagnosticDescriptor DeferredReplyReturnsValue = DiagnosticDescriptors.Create(
        DeferredReplyReturnsValueId,
        "A deferred-reply call method returns a value",
        "The [Call] method '{0}' takes a ReplyTo to answer later, so it must return void, Task or ValueTask, not '{1}'");

    /// <summary>The descriptor with <paramref name="id"/>, or null when it is not one of these.</summary>
    public static DiagnosticDescriptor? Find(string id) => id switch
    {
        ServerNotPartialId => ServerNotPartial,
        ServerShapeNotSupportedId => ServerShapeNotSupported,
        CallReturnsVoidId => CallReturnsVoid,
        ValueHasNoFormatterId => ValueHasNoFormatter,
        CastReturnsValueId => CastReturnsValue,
        HandlerNotSupportedId => HandlerNotSupported,
        MissingReferenceId => MissingReference,
        OverloadedHandlerId => OverloadedHandler,
        DeferredReplyReturnsValueId => DeferredReplyReturnsValue,
        _ => null,
    };
}
