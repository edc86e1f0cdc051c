using System.Runtime.CompilerServices;
using Partisan.Calls;
using Partisan.Delivery;
using Partisan.Membership;
using Partisan.Monitoring;
using Partisan.Serialization;

namespace Partisan;

/// <summary>
/// The composition root of the runtime's own messages: each subsystem registers its messages with the ids it reserves
/// (docs/wire.md lists them), so adding a message to a subsystem changes that subsystem only, and the encoding layer
/// knows none of them. Every <see cref="TypeRegistry"/> gets them, <see cref="TypeRegistry.Default"/> included.
/// </summary>
internal static class RuntimeMessages
{
    /// <summary>Installs <see cref="Register"/> when the assembly loads, before any registry can be used.</summary>
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "The runtime's messages must be in every registry before any code (generated module initializers included) uses one.")]
    internal static void Install() => TypeRegistry.UseRuntimeMessages(Register);

    /// <summary>Registers every subsystem's messages in <paramref name="registry"/> (idempotent).</summary>
    public static void Register(TypeRegistry registry)
    {
        NodeSpecFormatter.Register(registry);
        MembershipStateFormatter.Register(registry);
        CallTypeIds.Register(registry);
        ControlTypeIds.Register(registry);
        LinkTypeIds.Register(registry);
        DeliveryTypeIds.Register(registry);
        Overlays.HyParView.HyParViewMessageFormatter.Register(registry);
        Broadcast.BroadcastTypeIds.Register(registry);
    }
}
