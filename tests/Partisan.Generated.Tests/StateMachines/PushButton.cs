
namespace Partisan.Generated.Tests.StateMachines;

/// <summary>The push button's states; sent as a reply, so the generator registers it.</summary>
public enum Switch
{
    Off,
    On,
}

/// <summary>
/// OTP's gen_statem guide's push button (handle_event mode): <c>push</c> toggles off and on and replies with the
/// new state; <c>get_count</c> tells how often it was switched on; the count is a field (the data).
/// </summary>
[PartisanStateMachine(typeof(Switch), Mode = StateMachineMode.HandleEvent)]
public partial class PushButton
{
    private int _count;

    [Init]
    private Switch Init() => Switch.Off;

    [Call]
    private (Transition<Switch>, Switch) Push(Switch state)
    {
        if (state == Switch.Off)
        {
            _count++;
            return (Next(Switch.On), Switch.On);
        }

        return (Next(Switch.Off), Switch.Off);
    }

    [Call]
    private int GetCount() => _count;
}
