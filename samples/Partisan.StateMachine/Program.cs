using Partisan;
using Partisan.StateMachineSample;

// Two nodes in one process, over TCP on 127.0.0.1: alice runs the code lock, bob presses its buttons.
static PartisanOptions Options(string name) => new() { NodeName = name, ClusterSecret = "state-machine-sample" };

await using PartisanNode alice = await PartisanNode.StartAsync(Options("alice@127.0.0.1"));
await using PartisanNode bob = await PartisanNode.StartAsync(Options("bob@127.0.0.1"));
await bob.JoinAsync(alice.ListenAddresses[0]);

TimeSpan openFor = TimeSpan.FromSeconds(1);
await CodeLock.StartAsync(alice, () => new CodeLock("1234", openFor), "code_lock");
Console.WriteLine("alice: started the code lock (code 1234) as \"code_lock\"");

CodeLockClient door = CodeLock.Client(bob, ProcessRef.ForName("code_lock", alice.Name));
Console.WriteLine($"bob: the code has {await door.CodeLengthAsync()} digits");

Console.WriteLine("bob: presses 9 9 1 2");
foreach (char digit in "9912")
{
    door.Button(digit);
}

Console.WriteLine($"bob: the lock is {await door.StatusAsync()}");

Console.WriteLine("bob: presses 3 4 (the last four digits are now 1 2 3 4)");
door.Button('3');
door.Button('4');
Console.WriteLine($"bob: the lock is {await door.StatusAsync()}");

Console.WriteLine("bob: presses 1 2 3 4 while it is open");
foreach (char digit in "1234")
{
    door.Button(digit);
}

Console.WriteLine($"bob: the lock is {await door.StatusAsync()}; waiting for it to relock");
await Task.Delay(openFor + TimeSpan.FromMilliseconds(300));
Console.WriteLine($"bob: the postponed buttons were replayed after relocking: the lock is {await door.StatusAsync()}");

Console.WriteLine("alice: shuts down");
await alice.DisposeAsync();
try
{
    await door.CodeLengthAsync(TimeSpan.FromSeconds(2));
}
catch (CalleeDownException e)
{
    Console.WriteLine($"bob: the call failed with CalleeDownException ({e.Reason})");
}

return 0;
