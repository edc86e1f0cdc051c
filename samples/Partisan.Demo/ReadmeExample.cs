namespace Partisan.Demo;

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

        // On alice: a process registered as "greeter" that answers each pid it receives with a greeting.
        alice.Spawn(async ctx =>
        {
            while (true)
            {
                var sender = (Pid)await ctx.ReceiveAsync();
                ctx.Send(sender, $"Hello, {sender.Node.Name}!");
            }
        }, name: "greeter");

        // On bob: a process that sends its own pid to alice's greeter over TCP and waits for the answer.
        var answer = new TaskCompletionSource<object>();
        bob.Spawn(async ctx =>
        {
            ctx.Send(ProcessRef.ForName("greeter", alice.Name), ctx.Self);
            answer.SetResult(await ctx.ReceiveAsync());
        });
        Console.WriteLine(await answer.Task); // Hello, bob!
        // README example ends

        return (string)await answer.Task;
    }
}
