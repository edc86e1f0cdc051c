namespace Partisan.Generators.Messages.Model;

/// <summary>How a member value is written and read.</summary>
internal enum WireKind
{
    /// <summary><c>WriteBool</c>/<c>ReadBool</c>.</summary>
    Bool,

    /// <summary><c>WriteByte</c>/<c>ReadByte</c>.</summary>
    Byte,

    /// <summary>Zig-zag varint.</summary>
    Int32,

    /// <summary>Varint.</summary>
    UInt32,

    /// <summary>Zig-zag varint.</summary>
    Int64,

    /// <summary>Varint.</summary>
    UInt64,

    /// <summary>IEEE single.</summary>
    Single,

    /// <summary>IEEE double.</summary>
    Double,

    /// <summary>Four 32-bit parts.</summary>
    Decimal,

    /// <summary>16 bytes.</summary>
    Guid,

    /// <summary>UTF-8 with a length prefix; null allowed.</summary>
    String,

    /// <summary>A byte array with a length prefix; null allowed.</summary>
    Bytes,

    /// <summary>A runtime built-in formatter (<c>PidFormatter</c>, <c>TimeSpanFormatter</c>...) held in a static field.</summary>
    BuiltIn,

    /// <summary><c>EnumFormatter&lt;T&gt;</c> held in a static field.</summary>
    Enum,

    /// <summary><see cref="System.Nullable{T}"/>: a presence flag, then the <see cref="WireTypeModel.Element"/>.</summary>
    Nullable,

    /// <summary>Another [PartisanMessage] type of the same compilation: its generated formatter, called directly.</summary>
    Message,

    /// <summary><c>object</c>: written with its type descriptor (<c>WriteObject</c>/<c>ReadObject</c>).</summary>
    Object,

    /// <summary>Anything else (collections, messages of other assemblies, registered types): <c>Write&lt;T&gt;</c>/<c>Read&lt;T&gt;</c> through the registry.</summary>
    Registry,
}
