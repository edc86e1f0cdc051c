namespace Partisan.Behaviours.Tests.GenStatem;

/// <summary>
/// A handle_event-mode machine driven by string commands, logging every event it sees, for focused tests of
/// each transition action. The state is a string; the data counts handled events.
/// </summary>
internal sealed class ScriptedMachine(List<string> log, bool stateEnter) : IGenStatem<string, int>
{
    public bool StateEnter => stateEnter;

    public ValueTask<Transition<string, int>> InitAsync(GenStatemContext context) =>
        ValueTask.FromResult(Transition<string, int>.Next("a", 0));

    public ValueTask<Transition<string, int>> HandleEventAsync(StatemEvent e, string state, int data, GenStatemContext context)
    {
        Record($"{state}:{e.Type}:{e.Content}");
        if (e.Type == EventType.Call && e.Content is "log")
        {
            return Done(Transition<string, int>.KeepStateAndData.Reply(e.From, Snapshot()));
        }

        if (e.Type is not (EventType.Cast or EventType.Call) || e.Content is not string command)
        {
            return Done(Transition<string, int>.Keep(data + 1));
        }

        string[] parts = command.Split(' ');
        Transition<string, int> result = parts[0] switch
        {
            "goto" => Transition<string, int>.Next(parts[1], data + 1),
            "repeat" => Transition<string, int>.Repeat(data + 1),
            "keep" => Transition<string, int>.KeepStateAndData,
            "postpone" => Transition<string, int>.KeepStateAndData.Postpone(),
            "insert" => Transition<string, int>.KeepStateAndData.NextEvent(parts[1]).NextEvent(parts[2]),
            "event_timeout" => Transition<string, int>.KeepStateAndData.EventTimeout(TimeSpan.FromSeconds(int.Parse(parts[1])), "et"),
            "state_timeout" => Transition<string, int>.KeepStateAndData.StateTimeout(TimeSpan.FromSeconds(int.Parse(parts[1])), "st"),
            "goto_with_state_timeout" => Transition<string, int>.Next(parts[1], data).StateTimeout(TimeSpan.FromSeconds(int.Parse(parts[2])), "st"),
            "generic" => Transition<string, int>.KeepStateAndData.GenericTimeout(parts[1], TimeSpan.FromSeconds(int.Parse(parts[2])), "gt-" + parts[1]),
            "cancel_generic" => Transition<string, int>.KeepStateAndData.GenericTimeout(parts[1], null),
            "stop" => Transition<string, int>.Stop(new ExitReason(parts[1])),
            "crash" => throw new InvalidOperationException("scripted crash"),
            "hibernate" => Transition<string, int>.KeepStateAndData.Hibernate(),
            "reply_empty" => Transition<string, int>.KeepStateAndData.Reply(default, "to nobody"),
            "reply_first" => Transition<string, int>.KeepStateAndData.Reply(e.From, "ok").StateTimeout(TimeSpan.FromSeconds(int.Parse(parts[1])), "st"),
            _ => Transition<string, int>.KeepStateAndData,
        };
        if (e.Type == EventType.Call && result.Kind != TransitionKind.Stop && parts[0] is not ("postpone" or "reply_first"))
        {
            result = result.Reply(e.From, "ok");
        }

        return Done(result);
    }

    public ValueTask TerminateAsync(ExitReason reason, string state, int data, GenStatemContext context)
    {
        Record($"terminate:{reason.Kind}:{state}");
        return ValueTask.CompletedTask;
    }

    private static ValueTask<Transition<string, int>> Done(Transition<string, int> t) => ValueTask.FromResult(t);

    private void Record(string entry)
    {
        lock (log)
        {
            log.Add(entry);
        }
    }

    private string[] Snapshot()
    {
        lock (log)
        {
            return log.ToArray();
        }
    }
}
