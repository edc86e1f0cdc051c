using MemoryPack;

namespace Partisan.Benchmarks;

// The shapes of CodecComparisonBenchmarks, each as a [PartisanMessage] (formatter written by Partisan.Generators) and
// as a [MemoryPackable] twin with the same members. The generated formatters register themselves with
// TypeRegistry.Default when this assembly loads.

/// <summary>Small: a few primitives.</summary>
[PartisanMessage]
public sealed record SmallMessage(int Id, long Stamp, double Value, bool Flag);

/// <summary>The MemoryPack twin of <see cref="SmallMessage"/>.</summary>
[MemoryPackable]
public sealed partial record PackedSmall(int Id, long Stamp, double Value, bool Flag);

/// <summary>Medium: ten members, three of them strings.</summary>
[PartisanMessage]
public sealed record MediumMessage(
    long Id, string Name, string Email, int Age, double Score, bool Active, DateTime Created, Guid Key, string City, long Counter);

/// <summary>The MemoryPack twin of <see cref="MediumMessage"/>.</summary>
[MemoryPackable]
public sealed partial record PackedMedium(
    long Id, string Name, string Email, int Age, double Score, bool Active, DateTime Created, Guid Key, string City, long Counter);

/// <summary>Large: an id and a 64 KiB payload.</summary>
[PartisanMessage]
public sealed record BlobMessage(long Id, byte[] Payload);

/// <summary>The MemoryPack twin of <see cref="BlobMessage"/>.</summary>
[MemoryPackable]
public sealed partial record PackedBlob(long Id, byte[] Payload);

/// <summary>The values every comparison shape is built from, the same for both codecs.</summary>
public static class ComparisonSamples
{
    public const int ListLength = 100;

    public const int BlobLength = 64 * 1024;

    public static SmallMessage Small(int i = 7) => new(i, 1_700_000_000_000L + i, 3.25 * i, i % 2 == 0);

    public static PackedSmall PackedSmall(int i = 7) => new(i, 1_700_000_000_000L + i, 3.25 * i, i % 2 == 0);

    public static MediumMessage Medium() => new(
        123_456_789, "Ada Lovelace", "ada@example.org", 36, 99.5, true, new DateTime(2026, 12, 7, 23, 0, 0, DateTimeKind.Utc),
        new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"), "London", 42);

    public static PackedMedium PackedMedium()
    {
        MediumMessage m = Medium();
        return new(m.Id, m.Name, m.Email, m.Age, m.Score, m.Active, m.Created, m.Key, m.City, m.Counter);
    }

    public static byte[] Bytes()
    {
        var bytes = new byte[BlobLength];
        new Random(15).NextBytes(bytes);
        return bytes;
    }

    public static List<SmallMessage> SmallList()
    {
        var list = new List<SmallMessage>(ListLength);
        for (int i = 0; i < ListLength; i++)
        {
            list.Add(Small(i));
        }

        return list;
    }

    public static List<PackedSmall> PackedSmallList()
    {
        var list = new List<PackedSmall>(ListLength);
        for (int i = 0; i < ListLength; i++)
        {
            list.Add(PackedSmall(i));
        }

        return list;
    }
}
