using Partisan.Generators.Tests.Support;

namespace Partisan.Generators.Tests;

/// <summary>The generated [PartisanRpc] stubs for representative interfaces, against checked-in snapshots (see README.md).</summary>
public class RpcSnapshotTests
{
    [Fact]
    public void CalculatorWithEveryReturnShape() => Snapshot.Verify(GeneratorHarness.RunClean("""
        using System.Threading;
        using System.Threading.Tasks;

        namespace Demo;

        [PartisanRpc]
        public interface ICalculator
        {
            Task<int> AddAsync(int a, int b);

            ValueTask<string> EchoAsync(string text, CancellationToken cancellationToken);

            Task ResetAsync();

            ValueTask FlushAsync(CancellationToken cancellationToken);

            void Log(string line);
        }
        """));

    [Fact]
    public void NestedInternalInterfaceWithEnumsNullablesAndMessages() => Snapshot.Verify(GeneratorHarness.RunClean("""
        using System.Threading.Tasks;

        namespace Shop.Stock;

        public enum Level : byte { Low, High }

        [PartisanMessage]
        public sealed record Item(string Sku, int Count);

        public partial class Warehouse
        {
            [PartisanRpc]
            internal interface IInventory : IAudited
            {
                Task<Item?> FindAsync(string sku, Level? minimum);

                Task<Level> LevelAsync(Item item);

                ValueTask<Level?> MaybeLevelAsync(string sku);

                ValueTask<List<Item>> ListAsync(string[] skus, Dictionary<string, int>? limits, object? tag);

                void @event(Pid replyTo, long @checked);

                // A default implementation runs on the stub, locally; it is not a function.
                Task<int> CountAsync(string sku) => Task.FromResult(0);

                static string Describe() => "inventory";
            }
        }

        public interface IAudited
        {
            Task<Guid> AuditAsync(DateTime since);
        }
        """));
}
