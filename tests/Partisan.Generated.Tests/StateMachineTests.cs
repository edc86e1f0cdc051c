using Partisan.Generated.Tests.StateMachines;
using Partisan.Tests.Support;
using Cluster = Partisan.Generated.Tests.Support.Cluster;

namespace Partisan.Generated.Tests;

/// <summary>
/// [PartisanStateMachine] classes compiled with the generator as an analyzer, run on real nodes. Timeouts run on
/// a <see cref="ManualTimeProvider"/>; a call after a cast or a clock advance returns only once the machine has
/// handled everything before it (one mailbox, in order), so no test sleeps.
/// </summary>
public class StateMachineTests
{
    private static async Task<(TestNodes Nodes, PartisanNode Node, ManualTimeProvider Clock)> StartNodeAsync()
    {
        var clock = new ManualTimeProvider();
        var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync("sm", o => o.TimeProvider = clock);
        return (nodes, node, clock);
    }

    private static async Task<CodeLockClient> StartLockAsync(PartisanNode node, EventLog log)
    {
        Pid pid = await CodeLock.StartAsync(node, () => new CodeLock("1234", log));
        return CodeLock.Client(node, pid);
    }

    /// <summary>Presses the digits, then waits until the lock has handled them.</summary>
    private static async Task PressAsync(CodeLockClient client, string digits)
    {
        foreach (char digit in digits)
        {
            Assert.True(client.Button(digit));
        }

        Assert.Equal(4, await client.CodeLengthAsync());
    }

    [Fact]
    public async Task Code_lock_stays_locked_on_a_wrong_code_and_opens_on_the_right_one()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var log = new EventLog();
        CodeLockClient client = await StartLockAsync(node, log);
        Assert.Equal(["lock"], log.Snapshot()); // the initial state's enter call

        await PressAsync(client, "99123");
        Assert.Equal("Locked", await client.CurrentStateAsync());
        Assert.Equal(["lock"], log.Snapshot());

        await PressAsync(client, "4"); // the last four digits are 1234
        Assert.Equal("Open", await client.CurrentStateAsync());
        Assert.Equal(["lock", "unlock"], log.Snapshot());
    }

    [Fact]
    public async Task Code_lock_relocks_after_ten_seconds_of_virtual_time()
    {
        var (nodes, node, clock) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var log = new EventLog();
        CodeLockClient client = await StartLockAsync(node, log);
        await PressAsync(client, "1234");

        clock.Advance(TimeSpan.FromSeconds(9.9));
        Assert.Equal("Open", await client.CurrentStateAsync());
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal("Locked", await client.CurrentStateAsync());
        Assert.Equal(["lock", "unlock", "lock"], log.Snapshot());
    }

    [Fact]
    public async Task Code_lock_forgets_an_incomplete_code_after_thirty_seconds()
    {
        var (nodes, node, clock) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var log = new EventLog();
        CodeLockClient client = await StartLockAsync(node, log);

        await PressAsync(client, "12");
        clock.Advance(TimeSpan.FromSeconds(30));
        await PressAsync(client, "34"); // 1 2 was forgotten: 3 4 alone is not the code
        Assert.Equal("Locked", await client.CurrentStateAsync());
        Assert.Equal(["lock", "forget"], log.Snapshot());
    }

    [Fact]
    public async Task Code_lock_postpones_buttons_while_open_and_replays_them_after_relocking()
    {
        var (nodes, node, clock) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var log = new EventLog();
        CodeLockClient client = await StartLockAsync(node, log);
        await PressAsync(client, "1234");

        await PressAsync(client, "1234"); // pressed while open: postponed
        Assert.Equal(["lock", "unlock"], log.Snapshot());

        clock.Advance(TimeSpan.FromSeconds(10)); // relocks; the postponed buttons open it again
        Assert.Equal("Open", await client.CurrentStateAsync());
        Assert.Equal(["lock", "unlock", "lock", "unlock"], log.Snapshot());
    }

    [Fact]
    public async Task Code_length_is_answered_in_every_state()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        CodeLockClient client = await StartLockAsync(node, new EventLog());

        Assert.Equal(4, await client.CodeLengthAsync());
        await PressAsync(client, "1234");
        Assert.Equal("Open", await client.CurrentStateAsync());
        Assert.Equal(4, await client.CodeLengthAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Push_button_toggles_replies_with_its_state_and_counts_pushes()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        Pid pid = await PushButton.StartAsync(node, "pushbutton");
        PushButtonClient button = PushButton.Client(node, ProcessRef.ForName("pushbutton", node.Name));

        Assert.Equal(0, await button.GetCountAsync());
        Assert.Equal(Switch.On, await button.PushAsync());
        Assert.Equal(Switch.Off, await button.PushAsync());
        Assert.Equal(Switch.On, await button.PushAsync());
        Assert.Equal(2, await button.GetCountAsync());

        await button.StopAsync();
        Assert.False(node.IsAlive(pid));
    }

    [Fact]
    public async Task Init_runs_first_and_terminate_gets_the_stop_reason_after_the_reply()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var log = new EventLog();
        Probe watcher = Probe.Start(node);
        (Pid pid, Ref monitor) = await Gadget.StartMonitorAsync(node, watcher.Pid, () => new Gadget(log));
        GadgetClient gadget = Gadget.Client(node, pid);

        Assert.Equal(["init", "enter Idle from Idle"], log.Snapshot());
        Assert.Equal("bye", await gadget.QuitAsync("maintenance"));
        Down down = await watcher.NextAsync<Down>();
        Assert.Equal((monitor, new ExitReason("maintenance")), (down.MonitorRef, down.Reason));
        Assert.Equal("terminate maintenance in Idle", log.Snapshot()[^1]);
        await Assert.ThrowsAsync<CalleeDownException>(() => gadget.WhereAsync());
    }

    [Fact]
    public async Task Next_event_inserts_events_handled_before_the_mailbox_in_order()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var log = new EventLog();
        GadgetClient gadget = Gadget.Client(node, await Gadget.StartAsync(node, () => new Gadget(log)));

        gadget.Kick("a");
        gadget.Poke();
        Assert.Equal(GadgetState.Idle, await gadget.WhereAsync());
        Assert.Equal(["step a 1", "step a 2", "poke"], log.Snapshot()[2..]);
    }

    [Fact]
    public async Task Event_timeout_fires_when_nothing_happens_and_is_cancelled_by_any_event()
    {
        var (nodes, node, clock) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var log = new EventLog();
        GadgetClient gadget = Gadget.Client(node, await Gadget.StartAsync(node, () => new Gadget(log)));

        gadget.ArmIdle(5);
        await gadget.WhereAsync(); // an event: cancels the timeout armed just before
        gadget.ArmIdle(5);
        await gadget.DoubleAsync(1); // the same, through an async handler
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(log.Snapshot(), e => e.StartsWith("event timeout", StringComparison.Ordinal));

        gadget.ArmIdle(5);
        Assert.Equal(84, await gadget.DoubleAsync(42)); // also cancels
        int armed = clock.ArmedTimers; // the node's own
        gadget.ArmIdle(5);
        await Eventually.Within(log.WhenLogged("armed", 4), "the fourth arming"); // no event since: a call would cancel it
        await Eventually.True(() => clock.ArmedTimers == armed + 1, "the event timeout is armed");
        clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.DoesNotContain(log.Snapshot(), e => e.StartsWith("event timeout", StringComparison.Ordinal));
        clock.Advance(TimeSpan.FromSeconds(0.1));
        await Eventually.Within(log.WhenLogged("event timeout idle"), "the event timeout");
        await gadget.WhereAsync();
        Assert.Equal("event timeout idle", Assert.Single(log.Snapshot(), e => e.StartsWith("event timeout", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Generic_timeouts_fire_by_name_and_can_be_cancelled()
    {
        var (nodes, node, clock) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var log = new EventLog();
        GadgetClient gadget = Gadget.Client(node, await Gadget.StartAsync(node, () => new Gadget(log)));

        gadget.StartTimer("tick", 3);
        gadget.Poke(); // a generic timeout survives other events (unlike the event timeout)
        gadget.Reset(); // and state changes (unlike the state timeout)
        await gadget.WhereAsync();
        clock.Advance(TimeSpan.FromSeconds(3));
        await gadget.WhereAsync();
        Assert.Contains("tick: content of tick", log.Snapshot());

        gadget.StartTimer("tick", 3);
        gadget.CancelTimer("tick");
        await gadget.WhereAsync();
        clock.Advance(TimeSpan.FromSeconds(10));
        await gadget.WhereAsync();
        Assert.Single(log.Snapshot(), e => e.StartsWith("tick", StringComparison.Ordinal));
    }

    [Fact]
    public async Task State_timeout_fires_in_its_state_and_is_cancelled_by_a_state_change()
    {
        var (nodes, node, clock) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var log = new EventLog();
        GadgetClient gadget = Gadget.Client(node, await Gadget.StartAsync(node, () => new Gadget(log)));

        gadget.Work(5);
        Assert.Equal(GadgetState.Busy, await gadget.WhereAsync());
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(GadgetState.Idle, await gadget.WhereAsync());
        Assert.Contains("busy too long", log.Snapshot());

        gadget.Work(5);
        gadget.Finish(true); // Busy -> Done: the state timeout is cancelled
        Assert.Equal(GadgetState.Done, await gadget.WhereAsync());
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(GadgetState.Done, await gadget.WhereAsync());
        Assert.Single(log.Snapshot(), e => e == "busy too long");
    }

    [Fact]
    public async Task State_enter_runs_on_changes_and_repeats_but_not_on_keep()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var log = new EventLog();
        GadgetClient gadget = Gadget.Client(node, await Gadget.StartAsync(node, () => new Gadget(log)));

        gadget.Work(60);
        gadget.Finish(false); // Keep: no enter call
        gadget.Again(); // Repeat: the enter call runs again, from the same state
        gadget.Finish(true);
        Assert.Equal(GadgetState.Done, await gadget.WhereAsync());
        Assert.Equal(["init", "enter Idle from Idle", "enter Busy from Idle", "enter Busy from Busy", "enter Done from Busy"], log.Snapshot());
    }

    [Fact]
    public async Task A_postponed_call_is_answered_after_the_state_changes()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        GadgetClient gadget = Gadget.Client(node, await Gadget.StartAsync(node, () => new Gadget(new EventLog())));

        Task<string> waiting = gadget.WaitAsync();
        Assert.Equal(GadgetState.Idle, await gadget.WhereAsync());
        Assert.False(waiting.IsCompleted);

        gadget.Work(60);
        gadget.Finish(true);
        Assert.Equal("done", await Eventually.Within(waiting, "the postponed call is answered"));
    }

    [Fact]
    public async Task A_caller_kept_by_one_event_is_answered_by_a_later_one()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        GadgetClient gadget = Gadget.Client(node, await Gadget.StartAsync(node, () => new Gadget(new EventLog())));

        Task<string> later = gadget.LaterAsync();
        Assert.Equal(GadgetState.Idle, await gadget.WhereAsync());
        Assert.False(later.IsCompleted);

        gadget.Answer("answered later");
        Assert.Equal("answered later", await Eventually.Within(later, "the kept call is answered"));
    }

    [Fact]
    public async Task A_kept_caller_can_be_failed_and_an_unhandled_call_fails_without_stopping_the_machine()
    {
        var (nodes, node, _) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        Pid pid = await Gadget.StartAsync(node, () => new Gadget(new EventLog()));
        GadgetClient gadget = Gadget.Client(node, pid);

        Task<string> later = gadget.LaterAsync();
        Assert.Equal(GadgetState.Idle, await gadget.WhereAsync());
        gadget.Refuse("not today");
        CallFailedException refused = await Assert.ThrowsAsync<CallFailedException>(() => Eventually.Within(later, "the kept call fails"));
        Assert.Contains("not today", refused.Message, StringComparison.Ordinal);

        CallFailedException unhandled = await Assert.ThrowsAsync<CallFailedException>(() => gadget.ResultAsync());
        Assert.Contains("does not handle ResultEvent calls in state Idle", unhandled.Message, StringComparison.Ordinal);
        gadget.Work(60);
        gadget.Finish(true);
        Assert.Equal(42, await gadget.ResultAsync());
        Assert.True(node.IsAlive(pid));
    }

    [Fact]
    public async Task A_call_with_no_reply_in_time_fails_with_a_timeout_and_info_messages_reach_their_handler()
    {
        var (nodes, node, clock) = await StartNodeAsync();
        await using TestNodes _ = nodes;
        var log = new EventLog();
        Pid pid = await Gadget.StartAsync(node, () => new Gadget(log));
        GadgetClient gadget = Gadget.Client(node, pid);

        Task<string> waiting = gadget.WaitAsync(TimeSpan.FromSeconds(1)); // postponed in Idle
        Assert.Equal(GadgetState.Idle, await gadget.WhereAsync());
        clock.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<CallTimeoutException>(() => waiting);

        Assert.True(node.Send(pid, "hello"));
        await gadget.WhereAsync();
        Assert.Contains("info hello", log.Snapshot());
    }

    [Fact]
    public async Task Events_with_fields_cross_tcp_to_a_machine_on_another_node()
    {
        await using var cluster = new Cluster();
        PartisanNode[] nodes = await cluster.StartAsync(2);
        var log = new EventLog();
        await CodeLock.StartAsync(nodes[1], () => new CodeLock("1234", log), "remote_lock");
        CodeLockClient door = CodeLock.Client(nodes[0], ProcessRef.ForName("remote_lock", nodes[1].Name));
        Assert.Null(await door.StateIfOpenAsync(TimeSpan.FromSeconds(10)));

        foreach (char digit in "991234")
        {
            Assert.True(door.Button(digit));
        }

        Assert.Equal("Open", await door.CurrentStateAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(LockState.Open, await door.StateIfOpenAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(["lock", "unlock"], log.Snapshot());
        Assert.Equal(RemoteRef.FromProcessRef(door.Target), door.ToRemoteRef());
        var watcher = Probe.Start(nodes[0]);
        Ref monitor = door.Monitor(watcher.Pid);
        await door.StopAsync();
        Down down = await watcher.NextAsync<Down>();
        Assert.Equal((monitor, ExitReason.Normal), (down.MonitorRef, down.Reason));
        await Assert.ThrowsAsync<CalleeDownException>(() => door.CodeLengthAsync());
    }

    [Fact]
    public async Task A_machine_on_another_node_is_called_over_tcp_and_its_node_going_down_fails_the_call()
    {
        await using var cluster = new Cluster();
        PartisanNode[] nodes = await cluster.StartAsync(2);
        Pid pid = await PushButton.StartAsync(nodes[1], "remote_button");
        PushButtonClient button = PushButton.Client(nodes[0], ProcessRef.ForName("remote_button", nodes[1].Name));

        Assert.Equal(Switch.On, await button.PushAsync());
        Assert.Equal(Switch.Off, await button.PushAsync());
        Assert.Equal(1, await button.GetCountAsync());

        await nodes[1].DisposeAsync();
        CalleeDownException down = await Assert.ThrowsAsync<CalleeDownException>(() => Eventually.Within(button.GetCountAsync(), "the call fails"));
        Assert.Contains(down.Reason, new[] { ExitReason.NoConnection, ExitReason.NoProc, ExitReason.NodeStopped });
        Assert.False(nodes[1].IsAlive(pid));
    }
}
