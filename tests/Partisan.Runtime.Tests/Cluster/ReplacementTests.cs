using Partisan.Tests.Support;

namespace Partisan.Tests.Cluster;

/// <summary>A connection replaced by a new one for the same slot must not lose or reorder what the old one was sending.</summary>
[Collection(Partisan.Tests.Cluster.LoadSensitiveCollection.Name)]
public class ReplacementTests
{
    [Fact]
    public async Task Repeated_replacements_under_load_lose_and_reorder_nothing()
    {
        using var drops = new DropLog();
        await using var nodes = new TestNodes();
        PartisanNode[] pair = await nodes.StartClusterAsync(2);
        PartisanNode lower = pair[0].Name < pair[1].Name ? pair[0] : pair[1];
        PartisanNode higher = lower == pair[0] ? pair[1] : pair[0];
        const int Count = 20_000;
        var atHigher = Probe.Start(higher, "inbox");
        var atLower = Probe.Start(lower, "inbox");

        async Task Stream(PartisanNode from, PartisanNode to)
        {
            for (int i = 0; i < Count; i++)
            {
                Assert.True(await from.SendAsync(ProcessRef.ForName("inbox", to.Name), i), $"message {i} from {from.Name} was queued ({drops})");
                if (i % 500 == 0)
                {
                    await Task.Yield();
                }
            }
        }

        Task streams = Task.WhenAll(Task.Run(() => Stream(lower, higher)), Task.Run(() => Stream(higher, lower)));
        int replacements = 0;
        while (!streams.IsCompleted && replacements < 25)
        {
            // The lower-named node dials the slot again: both sides replace the serving connection with the new one.
            await lower.ConnectionManager.RedialForTestAsync(higher.Name, ChannelOptions.DefaultName, 0);
            replacements++;
            await Eventually.True(() => lower.IsConnected(higher.Name, ChannelOptions.DefaultName), "the slot is served again");
            await Task.Delay(5);
        }

        await Eventually.Within(streams, "both streams are queued");
        Assert.True(replacements >= 3, $"the connection was replaced while messages flowed ({replacements} times)");
        foreach (Probe probe in new[] { atHigher, atLower })
        {
            for (int i = 0; i < Count; i++)
            {
                object received = await Eventually.Within(probe.NextAsync(), $"message {i} ({drops})");
                Assert.True(i.Equals(received), $"message {i} expected, {received} received ({drops})");
            }
        }
    }
}
