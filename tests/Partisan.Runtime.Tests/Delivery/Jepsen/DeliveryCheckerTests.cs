namespace Partisan.Tests.Delivery.Jepsen;

/// <summary>The checker and the schedule themselves: the checker finds each kind of fault it reports, and a seed gives one schedule.</summary>
public class DeliveryCheckerTests
{
    [Fact]
    public void The_checker_reports_a_lost_a_duplicated_and_a_causally_reordered_delivery()
    {
        var checker = new DeliveryChecker(3);
        var m1 = new DeliveryChecker.Message(0, 1, [1, 0, 0]);
        var m2 = new DeliveryChecker.Message(0, 2, [2, 0, 0]);   // after m1, to another node
        var m3 = new DeliveryChecker.Message(2, 1, [2, 0, 1]);   // sent by 2 after it received m2: m1 happened before it
        var m4 = new DeliveryChecker.Message(0, 2, [3, 0, 0]);   // never delivered
        foreach (DeliveryChecker.Message m in new[] { m1, m2, m3, m4 })
        {
            checker.RecordSent(m);
        }

        checker.RecordDelivered(2, m2);
        checker.RecordDelivered(2, m2);
        checker.RecordDelivered(1, DeliveryChecker.Message.Decode(m3.Encode()));
        checker.RecordDelivered(1, m1);

        DeliveryChecker.Report report = checker.Check();
        Assert.Equal((1, 1, 1), (report.Lost, report.Duplicated, report.OutOfOrder));
        Assert.Contains("node 1 delivered 2|1|2,0,1 before 0|1|1,0,0", report.FirstOutOfOrder);
    }

    [Fact]
    public void Concurrent_messages_in_either_order_are_not_reported()
    {
        var checker = new DeliveryChecker(3);
        var a = new DeliveryChecker.Message(0, 2, [1, 0, 0]);
        var b = new DeliveryChecker.Message(1, 2, [0, 1, 0]);
        checker.RecordSent(a);
        checker.RecordSent(b);
        checker.RecordDelivered(2, b);
        checker.RecordDelivered(2, a);
        Assert.Equal(0, checker.Check().OutOfOrder);
    }

    [Fact]
    public void A_seed_gives_one_schedule()
    {
        var first = new FaultSchedule(42, 5, 40);
        var again = new FaultSchedule(42, 5, 40);
        Assert.Equal(first.Steps.Select(Describe), again.Steps.Select(Describe));
        Assert.NotEqual(first.Steps.Select(Describe), new FaultSchedule(43, 5, 40).Steps.Select(Describe));
    }

    private static string Describe(FaultStep step) => step switch
    {
        FaultStep.Partition p => $"partition {p.Round} [{string.Join(',', p.Side)}] until {p.Until}",
        _ => step.ToString(),
    };
}
