using Partisan.Serialization;

namespace Partisan.Calls;

/// <summary>
/// The ids reserved for request/reply messages, and their registration. They sit in the built-in range (1–99) for
/// historical reasons (wire version 1); docs/wire.md lists every reserved id.
/// </summary>
internal static class CallTypeIds
{
    public const uint CallRequest = 30;
    public const uint CastRequest = 31;
    public const uint CallReply = 32;
    public const uint CallFailure = 33;
    public const uint StopRequest = 34;

    /// <summary>Registers the call messages with their reserved ids.</summary>
    public static void Register(TypeRegistry registry)
    {
        registry.RegisterInternal(new CallRequestFormatter(), CallRequest);
        registry.RegisterInternal(new CastRequestFormatter(), CastRequest);
        registry.RegisterInternal(new CallReplyFormatter(), CallReply);
        registry.RegisterInternal(new CallFailureFormatter(), CallFailure);
        registry.RegisterInternal(new StopRequestFormatter(), StopRequest);
    }
}
