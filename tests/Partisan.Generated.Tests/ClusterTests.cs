using Partisan.Generated.Tests.Shop;
using Partisan.Generated.Tests.Support;

namespace Partisan.Generated.Tests;

/// <summary>Generated messages cross real TCP connections between two nodes on 127.0.0.1.</summary>
public class ClusterTests
{
    [Fact]
    public async Task A_generated_message_crosses_nodes_intact()
    {
        await using var cluster = new Cluster();
        PartisanNode[] nodes = await cluster.StartAsync(2);
        var inbox = new Probe(nodes[1], "orders");

        Order order = Samples.Order();
        Assert.True(nodes[0].Send(ProcessRef.ForName("orders", nodes[1].Name), order));
        Assert.True(nodes[0].Send(inbox.Pid, new Profile { Name = "Linus", Age = 55, Tags = ["git"] }));

        Samples.AssertEqual(order, await inbox.NextAsync<Order>());
        Profile profile = await inbox.NextAsync<Profile>();
        Assert.Equal(("Linus", 55, "git"), (profile.Name, profile.Age, Assert.Single(profile.Tags)));
    }

    [Fact]
    public async Task A_request_carrying_a_pid_gets_a_reply_across_nodes()
    {
        await using var cluster = new Cluster();
        PartisanNode[] nodes = await cluster.StartAsync(2);
        Pid ponger = nodes[1].Spawn(async ctx =>
        {
            while (true)
            {
                if (await ctx.ReceiveAsync() is Ping ping)
                {
                    ctx.Send(ping.ReplyTo, new Pong(ping.Seq + 1, ctx.Node.Name));
                }
            }
        });
        var replies = new Probe(nodes[0]);

        for (long seq = 0; seq < 3; seq++)
        {
            Assert.True(nodes[0].Send(ponger, new Ping(seq, replies.Pid)));
            Pong pong = await replies.NextAsync<Pong>();
            Assert.Equal(new Pong(seq + 1, nodes[1].Name), pong);
        }
    }
}
