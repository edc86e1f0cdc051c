using Microsoft.CodeAnalysis;
using Partisan.Generators.Tests.Support;

namespace Partisan.Generators.Tests;

/// <summary>Generated [PartisanRpc] stubs compile with no warnings, whatever names and nullable contexts the interface uses.</summary>
public class RpcCompileTests
{
    [Fact]
    public void Names_that_could_clash_with_generated_members_compile_cleanly()
    {
        GeneratorDriverRunResult result = GeneratorHarness.RunClean("""
            using System.Threading;
            using System.Threading.Tasks;

            namespace Clash;

            [PartisanRpc]
            public interface IClient
            {
                Task<int> Client(int node, int target, int timeout);

                Task Bind(string functions, string implementation, string arguments);

                ValueTask<string> Register(string Module, string Stub, CancellationToken _node);

                void Module(long _target, long _timeout, long @this);

                Task<bool> Equals(string other);

                Task<string> ToStringAsync();

                Task<int> Stub(int i, int r, int results);

                Task MulticallClient(int converted, int pending);

                void Multicall(string targets);

                void CastAll(int sent);
            }
            """);

        string source = result.Of<Partisan.Generators.Rpc.PartisanRpcGenerator>().GeneratedSources.Single().SourceText.ToString();
        Assert.Contains("public static class ClientRpc", source, StringComparison.Ordinal);
        Assert.Contains("public sealed class MulticallClient_", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Global_namespace_params_defaults_obsolete_members_and_enum_results_compile_cleanly()
    {
        GeneratorDriverRunResult result = GeneratorHarness.RunClean("""
            using System.Threading.Tasks;

            public enum Mood { Calm, Angry }

            [PartisanRpc]
            public interface IGlobal
            {
                Task<int> SumAsync(params int[] values);

                Task<string> GreetAsync(string name = "you", int times = 1);

                [Obsolete("use GreetAsync")]
                Task<string> HelloAsync(string name);

                ValueTask<Mood> MoodAsync(Mood? hint);
            }
            """);

        string source = result.Of<Partisan.Generators.Rpc.PartisanRpcGenerator>().GeneratedSources.Single().SourceText.ToString();
        Assert.Contains("global::GlobalRpc.ConvertMoodAsync(", source, StringComparison.Ordinal);
        Assert.DoesNotContain("namespace", source, StringComparison.Ordinal);
    }

    [Fact]
    public void An_interface_in_a_nullable_disabled_context_and_an_interface_without_the_I_prefix_compile_cleanly()
    {
        GeneratorDriverRunResult result = GeneratorHarness.RunClean("""
            using System.Threading.Tasks;

            #nullable disable
            namespace Legacy
            {
                [PartisanRpc]
                public interface Inventory
                {
                    Task<string> NameAsync(string sku, List<string> tags);

                    Task<object> AnythingAsync(object value);
                }

                [PartisanRpc]
                internal interface IEmpty
                {
                }
            }
            """);

        Assert.Equal(
            ["Legacy.IEmpty.PartisanRpc.g.cs", "Legacy.Inventory.PartisanRpc.g.cs"],
            result.Of<Partisan.Generators.Rpc.PartisanRpcGenerator>().GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal));
        string source = GeneratorHarness.AllGenerated(result);
        Assert.Contains("public static class InventoryRpc", source, StringComparison.Ordinal);
        Assert.Contains("internal static class EmptyRpc", source, StringComparison.Ordinal);
    }
}
