using Partisan.Generators.Tests.Support;

namespace Partisan.Generators.Tests;

/// <summary>The generated source for representative inputs, against checked-in snapshots (see README.md).</summary>
public class SnapshotTests
{
    [Fact]
    public void RecordClassWithPrimitives() => Snapshot.Verify(GeneratorHarness.RunClean("""
        namespace Shop;

        [PartisanMessage]
        public sealed record AddItem(string Sku, int Quantity, long Price, bool Gift, double Weight, decimal Tax, byte Flags, Guid Id, string? Note, uint Small, ulong Big, float Ratio);
        """));

    [Fact]
    public void PositionalRecordStruct() => Snapshot.Verify(GeneratorHarness.RunClean("""
        namespace Geometry;

        [PartisanMessage]
        public readonly record struct Point(int X, int Y, float Z);
        """));

    [Fact]
    public void ClassWithInitProperties() => Snapshot.Verify(GeneratorHarness.RunClean("""
        namespace People;

        [PartisanMessage]
        public sealed class Person
        {
            public required string Name { get; init; }

            public int Age { get; init; }

            public List<string> Tags { get; set; } = new();

            public string? Email;

            public string Display => Name + " (" + Age + ")";

            [PartisanIgnore]
            public int CachedHash { get; set; }

            public static int Created { get; set; }

            public const int MaxAge = 150;
        }
        """));

    [Fact]
    public void ConstructorWithDefaultsAndGetOnlyProperties() => Snapshot.Verify(GeneratorHarness.RunClean("""
        namespace Jobs;

        public enum Priority : short { Low = -1, Normal = 0, High = 1 }

        [PartisanMessage]
        public class Job
        {
            public Job(string name, int retries = 3, Priority priority = Priority.High, double ratio = 0.5, string? tag = null)
            {
                Name = name;
                Retries = retries;
                Priority = priority;
                Ratio = ratio;
                Tag = tag;
            }

            public string Name { get; }

            public int Retries { get; }

            public Priority Priority { get; }

            public double Ratio { get; }

            public string? Tag { get; }

            public long Started { get; set; }
        }
        """));

    [Fact]
    public void NestedMessageMembers() => Snapshot.Verify(GeneratorHarness.RunClean("""
        namespace Crm;

        [PartisanMessage]
        public sealed record Address(string City, string Street);

        [PartisanMessage]
        public record struct Money(long Cents, string Currency);

        [PartisanMessage]
        public sealed record Customer(Address Home, Address? Work, Money Balance, Money? Credit, List<Address> Previous);
        """));

    [Fact]
    public void CollectionsNullablesEnumsAndPids() => Snapshot.Verify(GeneratorHarness.RunClean("""
        namespace Orders;

        public enum Color : byte { Red, Green, Blue }

        [PartisanMessage]
        public sealed record Order(
            int[] Ids,
            List<string> Names,
            Dictionary<string, int> Counts,
            HashSet<Guid> Seen,
            int? MaybeCount,
            Color Color,
            Color? MaybeColor,
            Pid Owner,
            Pid? Watcher,
            Ref Reference,
            NodeName Node,
            ProcessRef Target,
            RemoteRef Remote,
            ExitReason Reason,
            DateTime At,
            TimeSpan Took,
            DateTimeOffset When,
            object Payload,
            object? Extra,
            byte[] Bytes,
            byte[]? MaybeBytes,
            ReadOnlyMemory<byte> Memory,
            char Letter,
            short Small,
            ushort Port,
            sbyte Delta,
            List<Dictionary<string, Pid[]>>? Nested);
        """));

    [Fact]
    public void ExplicitTypeId() => Snapshot.Verify(GeneratorHarness.RunClean("""
        namespace Pings;

        [PartisanMessage(TypeId = 5000)]
        public sealed record Ping(long Seq);

        [PartisanMessage]
        public sealed record Pong(long Seq);
        """));

    [Fact]
    public void TypeNestedInPartialClass() => Snapshot.Verify(GeneratorHarness.RunClean("""
        namespace Shop.Orders
        {
            public partial class Outer
            {
                internal partial class Middle
                {
                    [PartisanMessage]
                    public sealed record Inner(int X, Outer.Middle.Inner? Next);
                }
            }
        }
        """));

    [Fact]
    public void GlobalNamespaceAndEmptyMessage() => Snapshot.Verify(GeneratorHarness.RunClean("""
        [PartisanMessage]
        public sealed class Tick
        {
        }

        [PartisanMessage]
        public struct Empty
        {
        }
        """));
}
