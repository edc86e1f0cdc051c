using Partisan.Serialization;

namespace Partisan;

/// <summary>What travels for an RPC: the function's module and name, and the arguments.</summary>
/// <param name="Module">The module (for generated stubs: the interface's full name).</param>
/// <param name="Function">The function (for generated stubs: the method name).</param>
/// <param name="Arguments">The arguments; each must be a type the node can send.</param>
public sealed record RpcInvocation(string Module, string Function, object?[] Arguments) : Diagnostics.ITracedRequest
{
    string Diagnostics.ITracedRequest.TraceService => Module;

    string Diagnostics.ITracedRequest.TraceMethod => Function;
}

/// <summary>Formatter for <see cref="RpcInvocation"/>.</summary>
public sealed class RpcInvocationFormatter : WireFormatter<RpcInvocation>
{
    /// <summary>The invocation's type id.</summary>
    public const uint TypeId = 1_000_100;

    /// <inheritdoc />
    public override void Write(ref WireWriter writer, RpcInvocation value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WireObjectScope scope = writer.BeginObject(3);
        writer.WriteString(value.Module);
        writer.WriteString(value.Function);
        writer.WriteVarUInt32((uint)value.Arguments.Length + 1);
        foreach (object? argument in value.Arguments)
        {
            writer.WriteObject(argument);
        }

        writer.EndObject(scope);
    }

    /// <inheritdoc />
    public override RpcInvocation Read(ref WireReader reader)
    {
        WireObjectScope scope = reader.BeginObject(out int members);
        if (members < 3)
        {
            throw new WireFormatException("An RPC invocation has fewer than 3 members.");
        }

        string module = reader.ReadString() ?? throw new WireFormatException("An RPC invocation has no module.");
        string function = reader.ReadString() ?? throw new WireFormatException("An RPC invocation has no function.");
        int count = reader.ReadLengthPrefix("argument list");
        var arguments = count <= 0 ? Array.Empty<object?>() : new object?[count];
        for (int i = 0; i < arguments.Length; i++)
        {
            arguments[i] = reader.ReadObject();
        }

        reader.EndObject(scope);
        return new RpcInvocation(module, function, arguments);
    }

    /// <summary>Registers the invocation type with <paramref name="registry"/> (idempotent).</summary>
    public static void EnsureRegistered(TypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (!registry.TryGetTypeId(typeof(RpcInvocation), out _))
        {
            registry.Register(new RpcInvocationFormatter(), TypeId);
        }
    }
}
