using Partisan;

namespace Partisan.Bench;

/// <summary>The idle machine's one state.</summary>
public enum IdleState
{
    Waiting,
}

/// <summary>The idle scenario's generated gen_statem (handle-event mode): one state, a call to show it answers.</summary>
[PartisanStateMachine(typeof(IdleState), Mode = StateMachineMode.HandleEvent)]
public partial class IdleMachine
{
    [Init]
    private IdleState Init() => IdleState.Waiting;

    [Call]
    private int Ping(int value) => value;
}
