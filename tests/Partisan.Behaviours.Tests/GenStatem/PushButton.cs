namespace Partisan.Behaviours.Tests.GenStatem;

/// <summary>OTP's gen_statem user's guide, "Example": a push button, state functions, states off/on, data = on-count.</summary>
internal sealed class PushButton : IGenStatem<PushButton.State, int>
{
    public enum State { Off, On }

    public bool StateEnter => false;

    public ValueTask<Transition<State, int>> InitAsync(GenStatemContext context) =>
        ValueTask.FromResult(Transition<State, int>.Next(State.Off, 0));

    public ValueTask<Transition<State, int>> HandleEventAsync(StatemEvent e, State state, int data, GenStatemContext context) =>
        ValueTask.FromResult(state switch
        {
            State.Off when e is { Type: EventType.Call, Content: "push" } => Transition<State, int>.Next(State.On, data + 1).Reply(e.From, "on"),
            State.On when e is { Type: EventType.Call, Content: "push" } => Transition<State, int>.Next(State.Off, data).Reply(e.From, "off"),
            _ => HandleCommon(e, data),
        });

    private static Transition<State, int> HandleCommon(StatemEvent e, int data) => e switch
    {
        { Type: EventType.Call, Content: "get_count" } => Transition<State, int>.Keep(data).Reply(e.From, data),
        { Type: EventType.Call, Content: "stop" } => Transition<State, int>.Stop(ExitReason.Normal).Reply(e.From, "stopped"),
        _ => Transition<State, int>.KeepStateAndData,
    };

    public ValueTask TerminateAsync(ExitReason reason, State state, int data, GenStatemContext context) => ValueTask.CompletedTask;
}
