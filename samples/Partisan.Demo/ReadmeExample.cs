namespace Partisan.Demo;

// README example (server) begins
/// <summary>A gen_server: the generator adds the request messages, the dispatch, StartAsync and a typed CounterClient.</summary>
[PartisanServer]
public partial class Counter
{
    private long _value;

    [Call] public long Add(long by) => _value += by;

    [Call] public long Get() => _value;

    [Cast] public void Reset() => _value = 0;
}
// README example (server) ends

/// <summary>
/// The code example of the repository's README.md, compiled here so it cannot rot. Run it with
/// <c>dotnet run --project samples/Partisan.Demo -- example</c>. Keep README.md in step with it.
/// </summary>
internal static class ReadmeExample
{
    public static async Task<string> RunAsync()
    {
        // README example begins
        static PartisanOptions Options(string name) => new() { NodeName = name, ClusterSecret = "example-secret" };

        await using PartisanNode alice = await PartisanNode.StartAsync(Options("alice@127.0.0.1"));
        await using PartisanNode bob = await PartisanNode.StartAsync(Options("bob@127.0.0.1"));
        await bob.JoinAsync(alice.ListenAddresses[0]);

        // The server runs on alice, registered as "counter"...
        await Counter.StartAsync(alice, name: "counter");

        // ...and bob calls it over TCP through the generated client.
        CounterClient counter = Counter.Client(bob, ProcessRef.ForName("counter", alice.Name));
        Console.WriteLine(await counter.AddAsync(5));   // 5
        counter.Reset();                                // a cast: no reply
        Console.WriteLine(await counter.AddAsync(2));   // 2: the cast was handled first
        // README example ends

        return (await counter.GetAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
