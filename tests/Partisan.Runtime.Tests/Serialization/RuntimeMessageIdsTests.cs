using Partisan.Membership;
using Partisan.Monitoring;
using Partisan.Serialization;

namespace Partisan.Tests.Serialization;

/// <summary>
/// The runtime's own messages are registered by the subsystems that own them, not by the encoding layer; their ids are
/// part of wire version 1 and must never change. User and control messages share this one id space.
/// </summary>
public class RuntimeMessageIdsTests
{
    public static TheoryData<Type, uint> ReservedIds => new()
    {
        { typeof(Down), 27 },
        { typeof(NodeUp), 28 },
        { typeof(NodeDown), 29 },
        { typeof(CallRequest), 30 },
        { typeof(CastRequest), 31 },
        { typeof(CallReply), 32 },
        { typeof(CallFailure), 33 },
        { typeof(StopRequest), 34 },
        { typeof(MembershipState), 150 },
        { typeof(NodeSpec), 151 },
        { typeof(MonitorRequest), 160 },
        { typeof(DemonitorRequest), 161 },
        { typeof(DownNotice), 162 },
        { typeof(ExitSignal), 163 },
        { typeof(MembershipMessage), 164 },
        { typeof(Partisan.Overlays.HyParView.HyParViewMessage), 200 },
    };

    [Theory]
    [MemberData(nameof(ReservedIds))]
    public void Runtime_messages_keep_their_wire_ids_in_every_registry(Type type, uint id)
    {
        foreach (TypeRegistry registry in new[] { TypeRegistry.Default, new TypeRegistry() })
        {
            Assert.True(registry.TryGetTypeId(type, out uint actual), type.Name);
            Assert.Equal(id, actual);
        }
    }

    [Fact]
    public void Registering_the_runtime_messages_again_is_harmless()
    {
        var registry = new TypeRegistry();
        RuntimeMessages.Register(registry);
        RuntimeMessages.Register(TypeRegistry.Default);
        registry.ThrowIfInvalid();
        Assert.True(registry.TryGetTypeId(typeof(NodeSpec), out uint id));
        Assert.Equal(151u, id);
    }

    [Theory]
    [InlineData(WireTypeIds.Null)]
    [InlineData(WireTypeIds.ArrayOf)]
    [InlineData(WireTypeIds.FirstInternal - 1)]
    [InlineData(WireTypeIds.FirstUser)]
    public void A_runtime_message_cannot_take_an_id_outside_the_reserved_ranges(uint id)
    {
        var registry = new TypeRegistry();
        Assert.Throws<TypeRegistrationException>(() => registry.RegisterInternal(new NodeSpecFormatter(), id));
    }

    [Fact]
    public void A_runtime_message_cannot_take_an_id_already_reserved_by_another()
    {
        var registry = new TypeRegistry();
        var ex = Assert.Throws<TypeRegistrationException>(() => registry.RegisterInternal(new NodeSpecFormatter(), Calls.CallTypeIds.CallRequest));
        Assert.Contains("collides", ex.Message, StringComparison.Ordinal);
    }
}
