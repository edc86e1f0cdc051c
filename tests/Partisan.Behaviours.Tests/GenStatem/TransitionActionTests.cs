using Partisan.Tests.Support;

namespace Partisan.Behaviours.Tests.GenStatem;

/// <summary>One focused test per gen_statem action, on virtual time.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed by xunit through IAsyncLifetime.")]
public sealed class TransitionActionTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _clock = new();
    private readonly TestNodes _nodes = new();
    private readonly List<string> _log = new();
    private PartisanNode _node = null!;

    public async Task InitializeAsync() => _node = await _nodes.StartAsync(configure: o => o.TimeProvider = _clock);

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    private Task<Pid> Start(bool stateEnter = false) => Partisan.GenStatem.StartAsync(_node, () => new ScriptedMachine(_log, stateEnter));

    private Task<string> Call(Pid machine, string command) => Partisan.GenStatem.CallAsync<string>(_node, machine, command);

    private void Cast(Pid machine, string command) => Partisan.GenStatem.Cast(_node, machine, command);

    /// <summary>Everything logged after the first entry containing <paramref name="marker"/>, without the "log" calls themselves.</summary>
    private async Task<string[]> LogAfter(Pid machine, string marker)
    {
        string[] all = await Partisan.GenStatem.CallAsync<string[]>(_node, machine, "log");
        int start = Array.FindIndex(all, e => e.Contains(marker, StringComparison.Ordinal));
        return all.Skip(start + 1).Where(e => !e.EndsWith(":log", StringComparison.Ordinal)).ToArray();
    }

    [Fact]
    public async Task Reply_answers_the_call()
    {
        Pid machine = await Start();
        Assert.Equal("ok", await Call(machine, "keep"));
    }

    [Fact]
    public async Task Postponed_events_are_retried_after_the_next_state_change_in_order()
    {
        Pid machine = await Start();
        Cast(machine, "postpone");
        Task<string> held = Call(machine, "postpone");
        await Call(machine, "keep"); // no state change: nothing retried
        Assert.False(held.IsCompleted);
        await Call(machine, "goto b");

        string[] log = await LogAfter(machine, "a:Call:goto b");
        Assert.Equal(["b:Cast:postpone", "b:Call:postpone"], log); // retried in order (and postponed again)
    }

    [Fact]
    public async Task Repeat_state_retries_postponed_events_and_calls_enter_again()
    {
        Pid machine = await Start(stateEnter: true);
        Cast(machine, "postpone");
        await Call(machine, "repeat");

        string[] log = await LogAfter(machine, "a:Call:repeat");
        Assert.Equal(["a:Enter:a", "a:Cast:postpone"], log);
    }

    [Fact]
    public async Task Inserted_events_come_first_in_their_order()
    {
        Pid machine = await Start();
        Cast(machine, "insert x y");
        Cast(machine, "after");
        string[] log = await LogAfter(machine, "a:Cast:insert x y");
        Assert.Equal(["a:Internal:x", "a:Internal:y", "a:Cast:after"], log);
    }

    [Fact]
    public async Task State_enter_runs_on_start_and_on_every_state_change_but_not_on_keep()
    {
        Pid machine = await Start(stateEnter: true);
        await Call(machine, "goto b");
        await Call(machine, "goto b"); // same state: not a change
        await Call(machine, "keep");

        string[] log = await LogAfter(machine, "never-matches");
        Assert.Equal(["a:Enter:a", "a:Call:goto b", "b:Enter:a", "b:Call:goto b", "b:Call:keep"], log);
    }

    [Fact]
    public async Task The_event_timeout_fires_when_no_event_comes_and_any_event_cancels_it()
    {
        Pid machine = await Start();
        await Call(machine, "event_timeout 5");
        _clock.Advance(TimeSpan.FromSeconds(4));
        await Call(machine, "keep"); // an event: cancels it
        _clock.Advance(TimeSpan.FromSeconds(10));
        await Call(machine, "event_timeout 5");
        _clock.Advance(TimeSpan.FromSeconds(5));

        await Eventually.True(() => Snapshot().Contains("a:EventTimeout:et"), "the second event timeout fires");
        Assert.Single(Snapshot(), e => e == "a:EventTimeout:et");
    }

    [Fact]
    public async Task The_state_timeout_survives_events_but_is_cancelled_by_a_state_change()
    {
        Pid machine = await Start();
        await Call(machine, "state_timeout 5");
        await Call(machine, "keep");
        _clock.Advance(TimeSpan.FromSeconds(5));
        await Eventually.True(() => Snapshot().Contains("a:StateTimeout:st"), "the state timeout fires despite other events");

        await Call(machine, "state_timeout 5");
        await Call(machine, "goto b");
        _clock.Advance(TimeSpan.FromSeconds(10));
        await Call(machine, "keep");
        Assert.Single(Snapshot(), e => e.EndsWith("StateTimeout:st", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reply_is_sent_only_after_the_timers_of_its_transition_are_armed()
    {
        // The reply comes before the timeout in the action list; the caller may advance virtual time the moment it
        // has the reply, and the timeout must still fire on time.
        Pid machine = await Start();
        Assert.Equal("ok", await Call(machine, "reply_first 4"));
        _clock.Advance(TimeSpan.FromSeconds(4));
        await Eventually.True(() => Snapshot().Contains("a:StateTimeout:st"), "the state timeout armed with the reply fires");
    }

    [Fact]
    public async Task A_reply_to_an_empty_call_handle_is_the_handlers_error_and_every_held_call_still_fails()
    {
        Pid machine = await Start();
        Task<ExitReason> exited = _node.WhenExited(machine);
        Task<string> held = Call(machine, "postpone");

        await Assert.ThrowsAnyAsync<CallException>(() => Call(machine, "reply_empty"));

        Assert.Equal("error", (await Eventually.Within(exited, "the machine exits")).Kind);
        await Assert.ThrowsAsync<CalleeDownException>(() => Eventually.Within(held, "the held call fails"));
        Assert.Contains(Snapshot(), e => e.StartsWith("terminate:error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_state_timeout_set_with_a_state_change_applies_to_the_new_state()
    {
        Pid machine = await Start();
        await Call(machine, "goto_with_state_timeout b 3");
        _clock.Advance(TimeSpan.FromSeconds(3));
        await Eventually.True(() => Snapshot().Contains("b:StateTimeout:st"), "the new state's timeout fires");
    }

    [Fact]
    public async Task Generic_timeouts_are_named_restartable_and_cancellable()
    {
        Pid machine = await Start();
        await Call(machine, "generic one 5");
        await Call(machine, "generic two 5");
        _clock.Advance(TimeSpan.FromSeconds(3));
        await Call(machine, "generic one 5"); // restart: now due at 8 s
        await Call(machine, "cancel_generic two");
        _clock.Advance(TimeSpan.FromSeconds(3)); // 6 s: nothing due
        await Call(machine, "keep");
        Assert.DoesNotContain(Snapshot(), e => e.Contains("GenericTimeout", StringComparison.Ordinal));
        _clock.Advance(TimeSpan.FromSeconds(2)); // 8 s

        await Eventually.True(() => Snapshot().Contains("a:GenericTimeout:gt-one"), "timeout 'one' fires");
        await Call(machine, "keep");
        Assert.DoesNotContain("a:GenericTimeout:gt-two", Snapshot());
    }

    [Fact]
    public async Task Stop_runs_terminate_with_the_reason_and_fails_waiting_callers()
    {
        Pid machine = await Start();
        Task<ExitReason> exited = _node.WhenExited(machine);
        Cast(machine, "postpone"); // an unanswered event would be lost; a waiting call must fail
        Task<string> waiting = Call(machine, "postpone");
        await Eventually.True(() => Snapshot().Contains("a:Call:postpone"), "the call is held");
        Cast(machine, "stop maintenance");

        Assert.Equal(new ExitReason("maintenance"), await Eventually.Within(exited, "the machine stops"));
        Assert.Contains("terminate:maintenance:a", Snapshot());
        var error = await Assert.ThrowsAsync<CalleeDownException>(() => waiting);
        Assert.Equal("maintenance", error.Reason.Kind);
    }

    [Fact]
    public async Task A_crash_fails_the_call_and_stops_the_machine()
    {
        Pid machine = await Start();
        Task<ExitReason> exited = _node.WhenExited(machine);
        var error = await Assert.ThrowsAsync<CalleeDownException>(() => Call(machine, "crash"));
        Assert.Equal("error", error.Reason.Kind);
        Assert.Equal("error", (await Eventually.Within(exited, "the machine stops")).Kind);
        Assert.Contains(Snapshot(), e => e.StartsWith("terminate:error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hibernate_is_accepted()
    {
        Pid machine = await Start();
        Assert.Equal("ok", await Call(machine, "hibernate"));
    }

    [Fact]
    public async Task StopAsync_stops_the_machine_normally()
    {
        Pid machine = await Start();
        await Partisan.GenStatem.StopAsync(_node, machine);
        Assert.False(_node.IsAlive(machine));
        Assert.Contains("terminate:normal:a", Snapshot());
    }

    private string[] Snapshot()
    {
        lock (_log)
        {
            return _log.ToArray();
        }
    }
}
