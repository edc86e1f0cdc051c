
namespace Partisan.Generated.Tests.StateMachines;

/// <summary>The states of <see cref="Gadget"/>.</summary>
public enum GadgetState
{
    Idle,
    Busy,
    Done,
}

/// <summary>An event the gadget inserts itself (next_event); never sent, so it needs no formatter.</summary>
public sealed record Step(string What);

/// <summary>
/// A machine with one handler per gen_statem feature, each logging what it saw, so a test can exercise every
/// action through generated code: reply, postpone (of a call), next_event, event/state/generic timeouts,
/// state enter, repeat, keep, stop with a reason and a reply, info, init and terminate, an async handler.
/// </summary>
[PartisanStateMachine(typeof(GadgetState), StateEnter = true)]
public partial class Gadget
{
    private readonly EventLog _log;
    private Caller<string> _pending;

    public Gadget(EventLog log) => _log = log;

    [Init]
    private Transition<GadgetState> Init(GenStatemContext context)
    {
        _log.Add("init");
        return Next(GadgetState.Idle);
    }

    [Enter, AnyState]
    private void Entered(GadgetState state, GadgetState from) => _log.Add($"enter {state} from {from}");

    [Call, AnyState]
    private GadgetState Where(GadgetState state) => state;

    [Call, AnyState]
    private async ValueTask<int> Double(int value)
    {
        await Task.Yield();
        return value * 2;
    }

    // next_event
    [Cast, AnyState]
    private Transition<GadgetState> Kick(string what) => Keep().NextEvent(new Step(what + " 1")).NextEvent(new Step(what + " 2"));

    [Internal, AnyState]
    private void OnStep(Step step) => _log.Add("step " + step.What);

    // event timeout: fires unless another event comes first
    [Cast, AnyState]
    private Transition<GadgetState> ArmIdle(int seconds)
    {
        _log.Add("armed");
        return Keep().EventTimeout(TimeSpan.FromSeconds(seconds), "idle");
    }

    [EventTimeout, AnyState]
    private void IdleTimeout(string content) => _log.Add("event timeout " + content);

    [Cast, AnyState]
    private void Poke() => _log.Add("poke");

    // generic timeouts, by name
    [Cast, AnyState]
    private Transition<GadgetState> StartTimer(string name, int seconds) => Keep().GenericTimeout(name, TimeSpan.FromSeconds(seconds), "content of " + name);

    [Cast, AnyState]
    private Transition<GadgetState> CancelTimer(string name) => Keep().GenericTimeout(name, null);

    [GenericTimeout("tick"), AnyState]
    private void Tick(object? content) => _log.Add("tick: " + content);

    // state timeout: fires unless the state changes first
    [Cast, Event("Work")]
    private Transition<GadgetState> Idle(int seconds) => Next(GadgetState.Busy).StateTimeout(TimeSpan.FromSeconds(seconds));

    [StateTimeout]
    private Transition<GadgetState> Busy()
    {
        _log.Add("busy too long");
        return Next(GadgetState.Idle);
    }

    [Cast, Event("Finish")]
    private Transition<GadgetState> Busy(bool ok) => ok ? Next(GadgetState.Done) : Keep();

    // a call postponed until the machine is done, then answered
    [Call, Event("Wait"), InState(GadgetState.Idle), InState(GadgetState.Busy)]
    private Transition<GadgetState> NotYet() => Keep().Postpone();

    [Call, Event("Wait")]
    private string Done() => "done";

    [Cast, AnyState]
    private Transition<GadgetState> Reset() => Next(GadgetState.Idle);

    // repeat: the enter handler runs again
    [Cast, AnyState]
    private Transition<GadgetState> Again() => Repeat();

    // stop with a reason, replying first
    [Call, AnyState]
    private (Transition<GadgetState>, string) Quit(string why) => (Stop(new ExitReason(why)), "bye");

    // a reply given later, from another event (OTP's From kept in the data)
    [Call, AnyState]
    private void Later(Caller<string> caller) => _pending = caller;

    [Cast, AnyState]
    private Transition<GadgetState> Answer(string text) => Keep().Reply(_pending, text);

    [Cast, AnyState]
    private Transition<GadgetState> Refuse(string why) => Keep().Fail(_pending, new InvalidOperationException(why));

    // a call handled only when done: elsewhere it fails at the caller
    [Call, Event("Result"), InState(GadgetState.Done)]
    private int Result() => 42;

    [Info, AnyState]
    private void OnText(string text) => _log.Add("info " + text);

    [Terminate]
    private void Terminate(ExitReason reason, GadgetState state) => _log.Add($"terminate {reason.Kind} in {state}");
}
