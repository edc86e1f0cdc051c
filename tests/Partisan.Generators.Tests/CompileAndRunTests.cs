using System.Buffers;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Partisan.Generators.Messages;
using Partisan.Generators.Messages.Model;
using Partisan.Generators.Tests.Support;
using Partisan.Serialization;

namespace Partisan.Generators.Tests;

/// <summary>Generated code compiles cleanly in awkward cases, and runs: two versions of a message, compiled apart, read each other.</summary>
public class CompileAndRunTests
{
    [Fact]
    public void Names_that_clash_with_generated_locals_and_keywords_compile()
    {
        GeneratorHarness.RunClean("""
            namespace Clash;

            [PartisanMessage]
            public sealed record @event(int count, string writer, string reader, long scope, int m0, int value, int t0, int Instance);

            [PartisanMessage]
            public sealed class @class
            {
                public int? @int { get; set; }

                public @event? Inner { get; init; }
            }
            """);
    }

    [Fact]
    public void Nullable_oblivious_sources_compile_without_warnings()
    {
        GeneratorHarness.RunClean("""
            #nullable disable
            namespace Oblivious;

            [PartisanMessage]
            public sealed class Legacy
            {
                public string Name { get; set; }

                public List<string> Tags { get; set; }

                public byte[] Data { get; set; }

                public object Payload { get; set; }

                public Legacy Next { get; set; }
            }
            """);
    }

    [Fact]
    public void Output_does_not_depend_on_the_order_of_source_files()
    {
        const string Zed = "namespace Z;\n[PartisanMessage] public sealed record Zed(int X);";
        const string Aye = "namespace A;\n[PartisanMessage(TypeId = 4242)] public sealed record Aye(string Y);";
        static List<(string, string)> Sources(GeneratorDriverRunResult run) =>
            run.Results.SelectMany(r => r.GeneratedSources).Select(s => (s.HintName, s.SourceText.ToString())).OrderBy(s => s.HintName, StringComparer.Ordinal).ToList();

        Assert.Equal(Sources(GeneratorHarness.RunClean(Zed, Aye)), Sources(GeneratorHarness.RunClean(Aye, Zed)));
    }

    [Fact]
    public void Derived_records_and_class_primary_constructors_bind_their_parameters()
    {
        GeneratorRunResult result = GeneratorHarness.RunClean("""
            namespace Shapes;

            public abstract record Shape(string Name);

            [PartisanMessage]
            public sealed record Circle(string Name, double Radius) : Shape(Name);

            [PartisanMessage]
            public sealed class Counter(string name, long start)
            {
                public string Name => name;

                public long Start { get; } = start;

                public long Twice => Start * 2;
            }
            """).For<PartisanMessageGenerator>();
        var models = result.TrackedSteps[PartisanMessageGenerator.TrackingNames.Models].SelectMany(s => s.Outputs).Select(o => (MessageModel)o.Value).ToDictionary(m => m.FormatterName);
        Assert.Equal(["Name", "Radius"], models["CirclePartisanFormatter"].Members.Select(m => m.Name));
        Assert.Equal([0, 1], models["CirclePartisanFormatter"].ConstructorArguments);
        Assert.Equal(["Name", "Start"], models["CounterPartisanFormatter"].Members.Select(m => m.Name));
        Assert.All(models["CounterPartisanFormatter"].Members, m => Assert.False(m.InInitializer));
    }

    [Fact]
    public void Inherited_members_come_first_and_overrides_keep_their_place()
    {
        GeneratorRunResult result = GeneratorHarness.RunClean("""
            namespace Inherit;

            public class Base
            {
                public int Id { get; set; }

                public virtual string? Name { get; set; }
            }

            [PartisanMessage]
            public sealed class Derived : Base
            {
                public override string? Name { get; set; }

                public bool Flag { get; set; }
            }
            """).For<PartisanMessageGenerator>();
        var model = (MessageModel)result.TrackedSteps[PartisanMessageGenerator.TrackingNames.Models].Single().Outputs.Single().Value;
        Assert.Equal(["Id", "Name", "Flag"], model.Members.Select(m => m.Name));
    }

    [Fact]
    public void The_default_type_id_computed_at_compile_time_matches_the_runtime()
    {
        const string Source = """
            namespace Ids.Deep
            {
                public partial class Outer
                {
                    [PartisanMessage]
                    public sealed record Inner(int X);
                }

                [PartisanMessage]
                public sealed record Top(int X);
            }
            """;
        (GeneratorDriverRunResult run, Compilation output, _) = GeneratorHarness.Run(GeneratorHarness.Compile(Source));
        Assembly assembly = EmitAndLoad(output, "IdsAssembly");
        var claims = run.For<PartisanMessageGenerator>().TrackedSteps[PartisanMessageGenerator.TrackingNames.Parse]
            .SelectMany(s => s.Outputs).Select(o => ((MessageParseResult)o.Value).Claim!).ToDictionary(c => c.TypeName);

        foreach ((string display, string clrName) in new[] { ("Ids.Deep.Outer.Inner", "Ids.Deep.Outer+Inner"), ("Ids.Deep.Top", "Ids.Deep.Top") })
        {
            Type type = assembly.GetType(clrName, throwOnError: true)!;
            Assert.Equal(WireTypeIds.StableHash(TypeRegistry.StableTypeName(type)), claims[display].Id);
        }
    }

    private const string OrderV1 = """
        namespace Versioned;

        [PartisanMessage(TypeId = 7001)]
        public sealed record Order(string Sku, int Quantity);

        public static class Factory
        {
            public static object Make() => new Order("sku-1", 3);
        }
        """;

    private const string OrderV2 = """
        namespace Versioned;

        public enum Priority { Normal, Rush }

        [PartisanMessage(TypeId = 7002)]
        public sealed record Order(string Sku, int Quantity, string Note = "none", Priority Priority = Priority.Rush, List<int>? Extra = null);

        public static class Factory
        {
            public static object Make() => new Order("sku-2", 4, "gift", Priority.Normal, new List<int> { 1, 2 });
        }
        """;

    [Fact]
    public void A_newer_reader_fills_members_an_older_sender_did_not_write_with_their_defaults()
    {
        (IWireFormatter v1, object v1Sample) = Load(OrderV1, "OrderV1a");
        (IWireFormatter v2, _) = Load(OrderV2, "OrderV2a");

        object back = RoundTrip(v1Sample, v1, v2);

        Assert.Equal("sku-1", Property(back, "Sku"));
        Assert.Equal(3, Property(back, "Quantity"));
        Assert.Equal("none", Property(back, "Note"));
        Assert.Equal("Rush", Property(back, "Priority")!.ToString());
        Assert.Null(Property(back, "Extra"));
    }

    [Fact]
    public void An_older_reader_skips_members_a_newer_sender_appended()
    {
        (IWireFormatter v1, _) = Load(OrderV1, "OrderV1b");
        (IWireFormatter v2, object v2Sample) = Load(OrderV2, "OrderV2b");

        object back = RoundTrip(v2Sample, v2, v1);

        Assert.Equal("sku-2", Property(back, "Sku"));
        Assert.Equal(4, Property(back, "Quantity"));
    }

    private static object? Property(object target, string name) => target.GetType().GetProperty(name)!.GetValue(target);

    /// <summary>Writes <paramref name="value"/> with <paramref name="writerFormatter"/> followed by a sentinel, and reads it with <paramref name="readerFormatter"/>.</summary>
    private static object RoundTrip(object value, IWireFormatter writerFormatter, IWireFormatter readerFormatter)
    {
        using var buffer = new WireBuffer();
        var writer = new WireWriter(buffer, WireContext.Default);
        writerFormatter.WriteObject(ref writer, value);
        writer.WriteString("after");
        writer.Flush();

        var reader = new WireReader(new ReadOnlySequence<byte>(buffer.ToArray()), WireContext.Default);
        object back = readerFormatter.ReadObject(ref reader)!;
        Assert.Equal("after", reader.ReadString());
        Assert.True(reader.End);
        Assert.Same(readerFormatter.Type, back.GetType());
        return back;
    }

    /// <summary>Compiles <paramref name="source"/> with the generator, loads it, and returns its Order formatter and a sample.</summary>
    private static (IWireFormatter Formatter, object Sample) Load(string source, string assemblyName)
    {
        (_, Compilation output, var diagnostics) = GeneratorHarness.Run(GeneratorHarness.CompileAssembly(assemblyName, source));
        Assert.Empty(diagnostics);
        Assembly assembly = EmitAndLoad(output, assemblyName);
        var formatter = (IWireFormatter)assembly.GetType("Versioned.OrderPartisanFormatter", throwOnError: true)!.GetField("Instance")!.GetValue(null)!;
        object sample = assembly.GetType("Versioned.Factory", throwOnError: true)!.GetMethod("Make")!.Invoke(null, null)!;
        return (formatter, sample);
    }

    private static Assembly EmitAndLoad(Compilation compilation, string name)
    {
        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = compilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        stream.Position = 0;
        return new AssemblyLoadContext(name, isCollectible: true).LoadFromStream(stream);
    }
}
