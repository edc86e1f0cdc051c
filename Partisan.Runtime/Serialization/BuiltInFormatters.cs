namespace Partisan.Serialization;

/// <summary>
/// Registers the built-in formatters with their reserved ids: primitives and the identity types (pids, refs, node
/// names, exit reasons and the notices a process receives about them). The runtime's own messages are registered by
/// the subsystems that own them (see <see cref="TypeRegistry.UseRuntimeMessages"/>).
/// </summary>
internal static class BuiltInFormatters
{
    public static void RegisterAll(TypeRegistry registry)
    {
        registry.RegisterInternal(new BoolFormatter(), WireTypeIds.Bool);
        registry.RegisterInternal(new ByteFormatter(), WireTypeIds.Byte);
        registry.RegisterInternal(new SByteFormatter(), WireTypeIds.SByte);
        registry.RegisterInternal(new Int16Formatter(), WireTypeIds.Int16);
        registry.RegisterInternal(new UInt16Formatter(), WireTypeIds.UInt16);
        registry.RegisterInternal(new Int32Formatter(), WireTypeIds.Int32);
        registry.RegisterInternal(new UInt32Formatter(), WireTypeIds.UInt32);
        registry.RegisterInternal(new Int64Formatter(), WireTypeIds.Int64);
        registry.RegisterInternal(new UInt64Formatter(), WireTypeIds.UInt64);
        registry.RegisterInternal(new SingleFormatter(), WireTypeIds.Single);
        registry.RegisterInternal(new DoubleFormatter(), WireTypeIds.Double);
        registry.RegisterInternal(new DecimalFormatter(), WireTypeIds.Decimal);
        registry.RegisterInternal(new CharFormatter(), WireTypeIds.Char);
        registry.RegisterInternal<string?>(new StringFormatter(), WireTypeIds.String);
        registry.RegisterInternal<byte[]?>(new ByteArrayFormatter(), WireTypeIds.ByteArray);
        registry.RegisterInternal(new GuidFormatter(), WireTypeIds.Guid);
        registry.RegisterInternal(new DateTimeFormatter(), WireTypeIds.DateTime);
        registry.RegisterInternal(new DateTimeOffsetFormatter(), WireTypeIds.DateTimeOffset);
        registry.RegisterInternal(new TimeSpanFormatter(), WireTypeIds.TimeSpan);
        registry.RegisterInternal(new PidFormatter(), WireTypeIds.Pid);
        registry.RegisterInternal(new RefFormatter(), WireTypeIds.Ref);
        registry.RegisterInternal(new RemoteRefFormatter(), WireTypeIds.RemoteRef);
        registry.RegisterInternal(new ProcessRefFormatter(), WireTypeIds.ProcessRef);
        registry.RegisterInternal(new NodeNameFormatter(), WireTypeIds.NodeName);
        registry.RegisterInternal(new ExitReasonFormatter(), WireTypeIds.ExitReason);
        registry.RegisterInternal(new ReadOnlyMemoryFormatter(), WireTypeIds.ReadOnlyMemoryOfByte);
        registry.RegisterInternal<PooledBytes?>(new PooledBytesFormatter(), WireTypeIds.PooledBytes);
        registry.RegisterInternal(new DownFormatter(), WireTypeIds.Down);
        registry.RegisterInternal(new NodeUpFormatter(), WireTypeIds.NodeUp);
        registry.RegisterInternal(new NodeDownFormatter(), WireTypeIds.NodeDown);
        registry.AddMemberFormatter<object?>(new ObjectFormatter());
    }
}
