using System.Collections.Immutable;
using Partisan.Tests.Support;

namespace Partisan.Behaviours.Tests.GenStatem;

/// <summary>The two examples of OTP's gen_statem user's guide, checked for the behaviour the guide describes.</summary>
public class OtpGuideExampleTests
{
    [Fact]
    public async Task Push_button_toggles_and_counts_how_often_it_was_switched_on()
    {
        await using var nodes = new TestNodes();
        PartisanNode[] cluster = await nodes.StartClusterAsync(2);
        Pid button = await Partisan.GenStatem.StartAsync(cluster[1], () => new PushButton(), "pushbutton");
        var remote = ProcessRef.ForName("pushbutton", cluster[1].Name);

        Assert.Equal(0, await Partisan.GenStatem.CallAsync<int>(cluster[0], remote, "get_count"));
        Assert.Equal("on", await Partisan.GenStatem.CallAsync<string>(cluster[0], remote, "push"));
        Assert.Equal("off", await Partisan.GenStatem.CallAsync<string>(cluster[0], remote, "push"));
        Assert.Equal("on", await Partisan.GenStatem.CallAsync<string>(cluster[0], remote, "push"));
        Assert.Equal(2, await Partisan.GenStatem.CallAsync<int>(cluster[0], remote, "get_count"));
        Assert.Equal("stopped", await Partisan.GenStatem.CallAsync<string>(cluster[0], button, "stop"));
        await Eventually.True(() => !cluster[1].IsAlive(button), "the button stops");
    }

    private static async Task<(PartisanNode Node, ManualTimeProvider Clock, Pid Lock, List<string> Log, TestNodes Nodes)> StartLockAsync()
    {
        var clock = new ManualTimeProvider();
        var nodes = new TestNodes();
        PartisanNode node = await nodes.StartAsync(configure: o => o.TimeProvider = clock);
        var log = new List<string>();
        Pid pid = await Partisan.GenStatem.StartAsync(node, () => new CodeLock([1, 2, 3, 4], log), "code_lock");
        return (node, clock, pid, log, nodes);
    }

    private static string[] Snapshot(List<string> log)
    {
        lock (log)
        {
            return log.ToArray();
        }
    }

    private static Task<int> Press(PartisanNode node, Pid lockPid, params int[] digits)
    {
        foreach (int digit in digits)
        {
            Partisan.GenStatem.Cast(node, lockPid, new CodeLock.Button(digit));
        }

        // A call after the casts returns once they are all handled (one mailbox, in order).
        return Partisan.GenStatem.CallAsync<int>(node, lockPid, "code_length");
    }

    [Fact]
    public async Task Code_lock_opens_on_the_right_code_and_relocks_after_ten_seconds()
    {
        var (node, clock, pid, log, nodes) = await StartLockAsync();
        await using TestNodes _ = nodes;
        Assert.Equal(["lock"], Snapshot(log)); // state enter call of the initial state

        await Press(node, pid, 1, 2, 3, 4);
        Assert.Equal(["lock", "unlock"], Snapshot(log));

        clock.Advance(TimeSpan.FromSeconds(9));
        await Press(node, pid);
        Assert.Equal(["lock", "unlock"], Snapshot(log));
        clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.True(() => Snapshot(log).Length == 3, "the lock relocks");
        Assert.Equal(["lock", "unlock", "lock"], Snapshot(log));
    }

    [Fact]
    public async Task Code_lock_takes_the_last_digits_and_a_wrong_code_stays_locked()
    {
        var (node, _, pid, log, nodes) = await StartLockAsync();
        await using TestNodes _ = nodes;

        await Press(node, pid, 9, 9, 1, 2, 3);
        Assert.Equal(["lock"], Snapshot(log)); // 9 9 1 2 3 is not 1 2 3 4
        await Press(node, pid, 4);             // the last four are 1 2 3 4
        Assert.Equal(["lock", "unlock"], Snapshot(log));
    }

    [Fact]
    public async Task Code_lock_forgets_the_buttons_after_thirty_seconds_of_inactivity()
    {
        var (node, clock, pid, log, nodes) = await StartLockAsync();
        await using TestNodes _ = nodes;

        await Press(node, pid, 1, 2);
        clock.Advance(TimeSpan.FromSeconds(30)); // the state timeout clears the buttons
        await Press(node, pid);
        await Press(node, pid, 3, 4);
        Assert.Equal(["lock"], Snapshot(log));
        await Press(node, pid, 1, 2, 3, 4);
        Assert.Equal(["lock", "unlock"], Snapshot(log));
    }

    [Fact]
    public async Task Buttons_pressed_while_open_are_postponed_until_the_lock_locks_again()
    {
        var (node, clock, pid, log, nodes) = await StartLockAsync();
        await using TestNodes _ = nodes;
        await Press(node, pid, 1, 2, 3, 4);

        await Press(node, pid, 1, 2, 3, 4); // postponed while open
        Assert.Equal(["lock", "unlock"], Snapshot(log));
        clock.Advance(TimeSpan.FromSeconds(10)); // relock: the postponed buttons are retried and open it again

        await Eventually.True(() => Snapshot(log).Length == 4, "the postponed code opens the lock again");
        Assert.Equal(["lock", "unlock", "lock", "unlock"], Snapshot(log));
    }

    [Fact]
    public async Task Code_length_is_answered_in_every_state()
    {
        var (node, _, pid, _, nodes) = await StartLockAsync();
        await using TestNodes _ = nodes;
        Assert.Equal(4, await Partisan.GenStatem.CallAsync<int>(node, pid, "code_length"));
        await Press(node, pid, 1, 2, 3, 4);
        Assert.Equal(4, await Partisan.GenStatem.CallAsync<int>(node, pid, "code_length"));
    }
}
