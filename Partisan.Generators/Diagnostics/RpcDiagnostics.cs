using Microsoft.CodeAnalysis;

namespace Partisan.Generators.Diagnostics;

/// <summary>
/// The diagnostics of the [PartisanRpc] generator: PARTISAN020–029. It also reports the shared
/// <see cref="ServerDiagnostics.ValueHasNoFormatter"/> (PARTISAN013) for a parameter or result that cannot be sent,
/// <see cref="ServerDiagnostics.HandlerNotSupported"/> (PARTISAN015) for a method with more than one CancellationToken,
/// and <see cref="ServerDiagnostics.MissingReference"/> (PARTISAN016) when Partisan.Rpc is not referenced.
/// </summary>
internal static class RpcDiagnostics
{
    public const string GenericRpcInterfaceId = "PARTISAN020";
    public const string RpcInterfaceNotAccessibleId = "PARTISAN021";
    public const string RpcReturnTypeNotSupportedId = "PARTISAN022";
    public const string GenericRpcMethodId = "PARTISAN023";
    public const string RpcParameterByReferenceId = "PARTISAN024";
    public const string OverloadedRpcMethodId = "PARTISAN025";
    public const string RpcMemberNotSupportedId = "PARTISAN026";
    public const string RpcClassNameTakenId = "PARTISAN027";

    /// <summary>"The [PartisanRpc] interface '{0}' is generic or nested in a generic type; generic RPC interfaces are not supported".</summary>
    public static readonly DiagnosticDescriptor GenericRpcInterface = DiagnosticDescriptors.Create(
        GenericRpcInterfaceId,
        "Generic RPC interfaces are not supported",
        "The [PartisanRpc] interface '{0}' is generic or nested in a generic type; generic RPC interfaces are not supported");

    /// <summary>"'{0}' must be public or internal, and so must every type containing it, so that generated code can implement it".</summary>
    public static readonly DiagnosticDescriptor RpcInterfaceNotAccessible = DiagnosticDescriptors.Create(
        RpcInterfaceNotAccessibleId,
        "RPC interface is not accessible to generated code",
        "'{0}' must be public or internal, and so must every type containing it, so that generated code can implement it");

    /// <summary>"The RPC method '{0}' returns '{1}': return Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt; to wait for the call, or void to cast".</summary>
    public static readonly DiagnosticDescriptor RpcReturnTypeNotSupported = DiagnosticDescriptors.Create(
        RpcReturnTypeNotSupportedId,
        "RPC method return type not supported",
        "The RPC method '{0}' returns '{1}': return Task, Task<T>, ValueTask or ValueTask<T> to wait for the call, or void to cast");

    /// <summary>"The RPC method '{0}' is generic; RPC functions are called by name with concrete argument types, so they cannot have type parameters".</summary>
    public static readonly DiagnosticDescriptor GenericRpcMethod = DiagnosticDescriptors.Create(
        GenericRpcMethodId,
        "Generic RPC methods are not supported",
        "The RPC method '{0}' is generic; RPC functions are called by name with concrete argument types, so they cannot have type parameters");

    /// <summary>"Parameter '{0}' of the RPC method '{1}' is passed by reference ({2}); arguments are copied to another node, so pass them by value".</summary>
    public static readonly DiagnosticDescriptor RpcParameterByReference = DiagnosticDescriptors.Create(
        RpcParameterByReferenceId,
        "RPC parameters cannot be passed by reference",
        "Parameter '{0}' of the RPC method '{1}' is passed by reference ({2}); arguments are copied to another node, so pass them by value");

    /// <summary>"'{0}' has more than one method named '{1}': RPC functions are called by name, so give each its own name".</summary>
    public static readonly DiagnosticDescriptor OverloadedRpcMethod = DiagnosticDescriptors.Create(
        OverloadedRpcMethodId,
        "Overloaded RPC methods",
        "'{0}' has more than one method named '{1}': RPC functions are called by name, so give each its own name");

    /// <summary>"'{0}' of the [PartisanRpc] interface '{1}' is {2}; RPC interfaces have instance methods only".</summary>
    public static readonly DiagnosticDescriptor RpcMemberNotSupported = DiagnosticDescriptors.Create(
        RpcMemberNotSupportedId,
        "RPC interfaces have methods only",
        "'{0}' of the [PartisanRpc] interface '{1}' is {2}; RPC interfaces have instance methods only");

    /// <summary>"The [PartisanRpc] interface '{0}' would get the generated class '{1}', which {2}; rename the interface or the other type".</summary>
    public static readonly DiagnosticDescriptor RpcClassNameTaken = DiagnosticDescriptors.Create(
        RpcClassNameTakenId,
        "The generated RPC class name is taken",
        "The [PartisanRpc] interface '{0}' would get the generated class '{1}', which {2}; rename the interface or the other type");

    /// <summary>The descriptor with <paramref name="id"/>, or null when it is not one of these.</summary>
    public static DiagnosticDescriptor? Find(string id) => id switch
    {
        GenericRpcInterfaceId => GenericRpcInterface,
        RpcInterfaceNotAccessibleId => RpcInterfaceNotAccessible,
        RpcReturnTypeNotSupportedId => RpcReturnTypeNotSupported,
        GenericRpcMethodId => GenericRpcMethod,
        RpcParameterByReferenceId => RpcParameterByReference,
        OverloadedRpcMethodId => OverloadedRpcMethod,
        RpcMemberNotSupportedId => RpcMemberNotSupported,
        RpcClassNameTakenId => RpcClassNameTaken,
        _ => null,
    };
}
