using Microsoft.CodeAnalysis;

namespace Partisan.Generators.Diagnostics;

/// <summary>The diagnostics of the [PartisanRpc] generator: PARTISAN020–029.</summary>
internal static class RpcDiagnostics
{
    /// <summary>The descriptor with <paramref name="id"/>, or null when it is not one of these.</summary>
    public static DiagnosticDescriptor? Find(string id) => id switch
    {
        _ => null,
    };
}
