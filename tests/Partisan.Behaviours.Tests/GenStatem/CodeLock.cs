using System.Collections.Immutable;

namespace Partisan.Behaviours.Tests.GenStatem;

/// <summary>
/// OTP's gen_statem user's guide code lock, in its "state enter calls" and "postponing events" form:
/// state functions with state enter; locked resets the buttons on enter; a wrong or incomplete code
/// arms a 30 s state timeout that clears the buttons; open unlocks on enter and relocks after a 10 s
/// state timeout; buttons pressed while open are postponed until the lock is locked again;
/// <c>code_length</c> is a call handled in every state.
/// </summary>
internal sealed class CodeLock(ImmutableArray<int> code, List<string> log) : IGenStatem<CodeLock.State, CodeLock.Data>
{
    public enum State { Locked, Open }

    public sealed record Data(ImmutableArray<int> Code, ImmutableArray<int> Buttons);

    public sealed record Button(int Digit);

    public bool StateEnter => true;

    public ValueTask<Transition<State, Data>> InitAsync(GenStatemContext context) =>
        ValueTask.FromResult(Transition<State, Data>.Next(State.Locked, new Data(code, ImmutableArray<int>.Empty)));

    public ValueTask<Transition<State, Data>> HandleEventAsync(StatemEvent e, State state, Data data, GenStatemContext context) =>
        ValueTask.FromResult(state == State.Locked ? Locked(e, data) : Open(e, data));

    private Transition<State, Data> Locked(StatemEvent e, Data data)
    {
        switch (e.Type)
        {
            case EventType.Enter:
                Lock();
                return Transition<State, Data>.Keep(data with { Buttons = ImmutableArray<int>.Empty });
            case EventType.StateTimeout when e.Content is "button":
                return Transition<State, Data>.Keep(data with { Buttons = ImmutableArray<int>.Empty });
            case EventType.Cast when e.Content is Button button:
                ImmutableArray<int> buttons = data.Buttons.Length < data.Code.Length ? data.Buttons : data.Buttons.RemoveAt(0);
                buttons = buttons.Add(button.Digit);
                return buttons.SequenceEqual(data.Code)
                    ? Transition<State, Data>.Next(State.Open, data)                                       // correct
                    : Transition<State, Data>.Next(State.Locked, data with { Buttons = buttons })
                        .StateTimeout(TimeSpan.FromSeconds(30), "button");                                  // incomplete or incorrect
            default:
                return Common(e, data);
        }
    }

    private Transition<State, Data> Open(StatemEvent e, Data data) => e.Type switch
    {
        EventType.Enter => Unlock(),
        EventType.StateTimeout when e.Content is "lock" => Transition<State, Data>.NextKeepData(State.Locked),
        EventType.Cast when e.Content is Button => Transition<State, Data>.KeepStateAndData.Postpone(),
        _ => Common(e, data),
    };

    private Transition<State, Data> Unlock()
    {
        lock (log)
        {
            log.Add("unlock");
        }

        return Transition<State, Data>.KeepStateAndData.StateTimeout(TimeSpan.FromSeconds(10), "lock");
    }

    private void Lock()
    {
        lock (log)
        {
            log.Add("lock");
        }
    }

    private static Transition<State, Data> Common(StatemEvent e, Data data) => e switch
    {
        { Type: EventType.Call, Content: "code_length" } => Transition<State, Data>.KeepStateAndData.Reply(e.From, data.Code.Length),
        { Type: EventType.Call, Content: "state" } => Transition<State, Data>.KeepStateAndData.Reply(e.From, "?"),
        _ => Transition<State, Data>.KeepStateAndData,
    };

    public ValueTask TerminateAsync(ExitReason reason, State state, Data data, GenStatemContext context) => ValueTask.CompletedTask;
}
