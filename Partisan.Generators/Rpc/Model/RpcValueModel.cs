namespace Partisan.Generators.Rpc.Model;

/// <summary>A parameter or result type and how it travels in the <c>object?[]</c> of an RPC.</summary>
/// <param name="TypeName">The <c>global::</c>-qualified type, with its nullable annotation.</param>
/// <param name="WireTypeName">
/// The type the value travels as: <see cref="TypeName"/>, or for an enum (or a nullable enum) its underlying integer
/// type (or its nullable), so that enums need no registration.
/// </param>
/// <param name="AllowNull">True when null is a valid value (a nullable value type, or a reference type annotated or oblivious).</param>
internal sealed record RpcValueModel(string TypeName, string WireTypeName, bool AllowNull)
{
    /// <summary>True when the value is converted to and from <see cref="WireTypeName"/>.</summary>
    public bool IsConverted => TypeName != WireTypeName;
}
