namespace Partisan.Serialization;

/// <summary>
/// Formatter for <see cref="PooledBytes"/>: the same bytes as a <c>byte[]</c> (varint length + 1, then the bytes),
/// read into an array rented from the pool. A declared length the input cannot hold fails before anything is rented.
/// </summary>
public sealed class PooledBytesFormatter : WireFormatter<PooledBytes?>
{
    /// <inheritdoc />
    public override void Write(ref WireWriter writer, PooledBytes? value)
    {
        if (value is null)
        {
            writer.WriteVarUInt32(0);
            return;
        }

        writer.WriteBytes(value.Span);
    }

    /// <inheritdoc />
    public override PooledBytes? Read(ref WireReader reader)
    {
        int length = reader.ReadLengthPrefix("pooled bytes");
        if (length < 0)
        {
            return null;
        }

        PooledBytes pooled = PooledBytes.Rent(length);
        try
        {
            reader.ReadRaw(pooled.Span);
        }
        catch
        {
            pooled.Dispose();
            throw;
        }

        return pooled;
    }
}
