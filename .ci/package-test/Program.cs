using Partisan;
using PackageCheck;

// Two nodes over TCP on 127.0.0.1: the server on alice, called from bob through the generated client.
static PartisanOptions Options(string name) => new() { NodeName = name, ClusterSecret = "package-test-secret" };

await using PartisanNode alice = await PartisanNode.StartAsync(Options("alice@127.0.0.1"));
await using PartisanNode bob = await PartisanNode.StartAsync(Options("bob@127.0.0.1"));
await bob.JoinAsync(alice.ListenAddresses[0]);

await Counter.StartAsync(alice, name: "counter");
CounterClient counter = Counter.Client(bob, ProcessRef.ForName("counter", alice.Name));

long first = await counter.AddAsync(5);
counter.Reset();
long second = await counter.AddAsync(2);
Console.WriteLine($"{first} {second}");
if (first != 5 || second != 2)
{
    Console.Error.WriteLine("expected 5 then 2");
    return 1;
}

Console.WriteLine("package test: a [PartisanServer] from the Partisan package answered across two nodes");
return 0;
