namespace Partisan.Serialization;

/// <summary>Writes and reads values of one type, untyped; implemented through <see cref="WireFormatter{T}"/>.</summary>
public interface IWireFormatter
{
    /// <summary>The type this formatter handles.</summary>
    Type Type { get; }

    /// <summary>Writes <paramref name="value"/>, which is of <see cref="Type"/>.</summary>
    void WriteObject(ref WireWriter writer, object value);

    /// <summary>Reads a value of <see cref="Type"/>.</summary>
    object? ReadObject(ref WireReader reader);
}

/// <summary>
/// The formatter seam: writes a <typeparamref name="T"/> into a <see cref="WireWriter"/> (which fills an
/// <see cref="System.Buffers.IBufferWriter{T}"/>) and reads it back from a <see cref="WireReader"/>
/// (over a <see cref="System.Buffers.ReadOnlySequence{T}"/>). Generated formatters, the built-ins and
/// hand-written ones (or adapters to another serializer) all implement it.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
public interface IWireFormatter<T> : IWireFormatter
{
    /// <summary>Writes <paramref name="value"/>.</summary>
    void Write(ref WireWriter writer, T value);

    /// <summary>Reads a value.</summary>
    T Read(ref WireReader reader);
}

/// <summary>Base class for formatters: implement the typed pair, get the untyped pair for free.</summary>
/// <typeparam name="T">The value type.</typeparam>
public abstract class WireFormatter<T> : IWireFormatter<T>
{
    /// <inheritdoc />
    public Type Type => typeof(T);

    /// <inheritdoc />
    public abstract void Write(ref WireWriter writer, T value);

    /// <inheritdoc />
    public abstract T Read(ref WireReader reader);

    /// <inheritdoc />
    public void WriteObject(ref WireWriter writer, object value) => Write(ref writer, (T)value);

    /// <inheritdoc />
    public object? ReadObject(ref WireReader reader) => Read(ref reader);
}
