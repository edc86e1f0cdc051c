using System;
using Microsoft.CodeAnalysis;

namespace Partisan.Generators.Diagnostics;

/// <summary>
/// Every diagnostic the Partisan generators report. IDs 001–049 are generator errors ("cannot
/// generate"); 050–099 are kept for analyzer warnings. 001–009 are [PartisanMessage]'s (here);
/// 010–019 [PartisanServer]'s (<see cref="ServerDiagnostics"/>), 020–029 [PartisanRpc]'s
/// (<see cref="RpcDiagnostics"/>), 030–039 [PartisanStateMachine]'s (<see cref="StateMachineDiagnostics"/>). Keep docs/diagnostics.md and
/// AnalyzerReleases.Unshipped.md in step with this file.
/// </summary>
internal static class DiagnosticDescriptors
{
    public const string Category = "Partisan";

    public const string GenericMessageId = "PARTISAN001";
    public const string MessageNotAccessibleId = "PARTISAN002";
    public const string MessageKindNotSupportedId = "PARTISAN003";
    public const string MemberTypeHasNoFormatterId = "PARTISAN004";
    public const string NoUsableConstructorId = "PARTISAN005";
    public const string MemberNotSettableId = "PARTISAN006";
    public const string ReservedTypeIdId = "PARTISAN007";
    public const string DuplicateTypeIdId = "PARTISAN008";

    /// <summary>"The [PartisanMessage] type '{0}' is generic or nested in a generic type; generic message types are not supported".</summary>
    public static readonly DiagnosticDescriptor GenericMessage = Create(
        GenericMessageId,
        "Generic message types are not supported",
        "The [PartisanMessage] type '{0}' is generic or nested in a generic type; generic message types are not supported");

    /// <summary>"'{0}' must be public or internal, and so must every type containing it, so that generated code can reference it".</summary>
    public static readonly DiagnosticDescriptor MessageNotAccessible = Create(
        MessageNotAccessibleId,
        "Message type is not accessible to generated code",
        "'{0}' must be public or internal, and so must every type containing it, so that generated code can reference it");

    /// <summary>"'{0}' cannot be a [PartisanMessage]: {1}".</summary>
    public static readonly DiagnosticDescriptor MessageKindNotSupported = Create(
        MessageKindNotSupportedId,
        "This kind of type cannot be a message",
        "'{0}' cannot be a [PartisanMessage]: {1}");

    /// <summary>"Member '{0}' of '{1}' has type '{2}', which has no wire formatter: {3}".</summary>
    public static readonly DiagnosticDescriptor MemberTypeHasNoFormatter = Create(
        MemberTypeHasNoFormatterId,
        "Member type cannot be sent",
        "Member '{0}' of '{1}' has type '{2}', which has no wire formatter: {3}");

    /// <summary>"'{0}' has no constructor the generated formatter can call: add an accessible parameterless constructor, or one whose parameters all match serialized members by name and type".</summary>
    public static readonly DiagnosticDescriptor NoUsableConstructor = Create(
        NoUsableConstructorId,
        "No usable constructor for reading",
        "'{0}' has no constructor the generated formatter can call: add an accessible parameterless constructor, or one whose parameters all match serialized members by name and type");

    /// <summary>"Member '{0}' of '{1}' is serialized but cannot be set when reading: make it settable or init, add a constructor parameter named '{2}', or mark it [PartisanIgnore]".</summary>
    public static readonly DiagnosticDescriptor MemberNotSettable = Create(
        MemberNotSettableId,
        "Serialized member cannot be set when reading",
        "Member '{0}' of '{1}' is serialized but cannot be set when reading: make it settable or init, add a constructor parameter named '{2}', or mark it [PartisanIgnore]");

    /// <summary>"Type id {0} of '{1}' is in the reserved range; user type ids start at 1000 (0 means the default id)".</summary>
    public static readonly DiagnosticDescriptor ReservedTypeId = Create(
        ReservedTypeIdId,
        "Type id in the reserved range",
        "Type id {0} of '{1}' is in the reserved range; user type ids start at 1000 (0 means the default id)");

    /// <summary>"Type id {0} of '{1}' is also the type id of '{2}'; give one of them another explicit TypeId".</summary>
    public static readonly DiagnosticDescriptor DuplicateTypeId = Create(
        DuplicateTypeIdId,
        "Duplicate type id",
        "Type id {0} of '{1}' is also the type id of '{2}'; give one of them another explicit TypeId");

    /// <summary>The descriptor with <paramref name="id"/>.</summary>
    public static DiagnosticDescriptor ById(string id) => id switch
    {
        GenericMessageId => GenericMessage,
        MessageNotAccessibleId => MessageNotAccessible,
        MessageKindNotSupportedId => MessageKindNotSupported,
        MemberTypeHasNoFormatterId => MemberTypeHasNoFormatter,
        NoUsableConstructorId => NoUsableConstructor,
        MemberNotSettableId => MemberNotSettable,
        ReservedTypeIdId => ReservedTypeId,
        DuplicateTypeIdId => DuplicateTypeId,
        _ => ServerDiagnostics.Find(id)
            ?? RpcDiagnostics.Find(id)
            ?? StateMachineDiagnostics.Find(id)
            ?? throw new ArgumentException("Unknown diagnostic id " + id, nameof(id)),
    };

    /// <summary>An error of the Partisan category, with its help link into docs/diagnostics.md.</summary>
    internal static DiagnosticDescriptor Create(string id, string title, string message) => new(
        id,
        title,
        message,
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "docs/diagnostics.md#" + id.ToLowerInvariant());
}
