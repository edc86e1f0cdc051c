namespace Partisan;

/// <summary>
/// Marks a class, record, struct or record struct as a message that can cross nodes: the
/// Partisan.Generators source generator writes a wire formatter for it and registers the formatter
/// with <see cref="Serialization.TypeRegistry.Default"/> from a module initializer, so no
/// reflection runs at run time.
/// </summary>
/// <remarks>
/// <para>
/// Serialized members are the public instance fields and properties that can be read back: settable
/// or <c>init</c> properties, auto-properties and fields bound to a constructor parameter of the same
/// name. Computed get-only properties, static members, indexers and members marked
/// <see cref="PartisanIgnoreAttribute"/> are skipped. Members go on the wire in declaration order
/// (base class members first).
/// </para>
/// <para>
/// Versioning: objects are length-prefixed with a member count, so an older reader skips members it
/// does not know and a newer reader gives members an older sender did not write their default (or
/// the constructor parameter's default value). Append new members at the end of the type; never
/// reorder, remove or retype existing ones.
/// </para>
/// <para>The type needs no <c>partial</c> modifier: the formatter is a separate generated class.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false, AllowMultiple = false)]
public sealed class PartisanMessageAttribute : Attribute
{
    /// <summary>
    /// The wire type id. 0 (the default) means a stable hash of the full type name. Explicit ids
    /// must be at least <see cref="Serialization.WireTypeIds.FirstUser"/> and unique; give one when a
    /// type may be renamed or moved, since its default id follows its name.
    /// </summary>
    /// <remarks>Hides <see cref="Attribute.TypeId"/>, which is unrelated (a key for attribute
    /// designers); the base property still answers through an <see cref="Attribute"/> reference.</remarks>
    public new uint TypeId { get; set; }
}
