using Partisan;
using Partisan.SupervisionSample;

// Two nodes in one process, over TCP on 127.0.0.1: alice supervises a Tally server registered as "tally"; bob calls it,
// crashes it with a call that throws, and calls it again once the supervisor has restarted it under the same name.
// One line per event; exits 0 when every step behaved as described, 1 otherwise.
static PartisanOptions Options(string name) => new() { NodeName = name, ClusterSecret = "supervision-sample" };

static void Check(bool condition, string what)
{
    if (!condition)
    {
        throw new InvalidOperationException("unexpected: " + what);
    }
}

try
{
    await using PartisanNode alice = await PartisanNode.StartAsync(Options("alice@127.0.0.1"));
    await using PartisanNode bob = await PartisanNode.StartAsync(Options("bob@127.0.0.1"));
    await bob.JoinAsync(alice.ListenAddresses[0]);
    Console.WriteLine("alice, bob: joined over TCP on 127.0.0.1");

    var spec = new SupervisorSpec
    {
        Strategy = RestartStrategy.OneForOne,
        Intensity = 3,
        Period = TimeSpan.FromSeconds(5),
        Children = [new ChildSpec("tally", node => Tally.StartAsync(node, "tally"))],
    };
    Pid supervisor = await Supervisor.StartAsync(alice, spec, "tally_sup");
    Pid first = alice.WhereIs("tally") ?? throw new InvalidOperationException("unexpected: no tally after start");
    Console.WriteLine($"alice: supervisor {supervisor} started tally as {first}");

    TallyClient tally = Tally.Client(bob, ProcessRef.ForName("tally", alice.Name));
    long total = await tally.AddAsync(5);
    Check(total == 5, "the first add returns 5");
    Console.WriteLine($"bob: add 5 -> {total}");

    try
    {
        await tally.FailAsync("bad input");
        Check(false, "the failing call returned");
    }
    catch (CallException e)
    {
        Console.WriteLine($"bob: the failing call failed with {e.GetType().Name}");
    }

    // The supervisor hears the crash through its link and restarts the server; the name moves to the new pid.
    Pid second = first;
    for (int i = 0; i < 100 && second == first; i++)
    {
        await Task.Delay(20);
        second = alice.WhereIs("tally") ?? first;
    }

    Check(second != first, "the supervisor restarted tally within 2 s");
    Console.WriteLine($"alice: supervisor restarted tally as {second}");

    total = await tally.TotalAsync();
    Check(total == 0, "the restarted server starts from 0");
    Console.WriteLine($"bob: total -> {total} (a fresh server under the same name)");
    total = await tally.AddAsync(2);
    Check(total == 2, "the next add returns 2");
    Console.WriteLine($"bob: add 2 -> {total}");

    IReadOnlyList<ChildInfo> children = await Supervisor.WhichChildrenAsync(alice, supervisor);
    Check(children.Count == 1 && children[0].Pid == second, "which_children lists the new pid");
    Console.WriteLine($"alice: which_children -> {children[0].Id} {children[0].Pid}");

    await GenServer.StopAsync(alice, supervisor, ExitReason.Shutdown);
    Check(!alice.IsAlive(second) && alice.WhereIs("tally") is null, "stopping the supervisor stops tally");
    Console.WriteLine("alice: stopped the supervisor; tally stopped with it");
    return 0;
}
catch (Exception e)
{
    Console.WriteLine($"FAILED: {e.Message}");
    return 1;
}
