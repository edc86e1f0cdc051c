using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Partisan.Tests.Serialization;

/// <summary>FsCheck generators for the codec and reference tests.</summary>
internal static class Gens
{
    private const string NodeChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.";

    public static Gen<T> Default<T>() => ArbMap.Default.GeneratorFor<T>();

    /// <summary>Small, full-range and edge-case 64-bit integers.</summary>
    public static Gen<long> Int64 { get; } = Gen.OneOf(
        Default<long>(),
        Default<DoNotSize<long>>().Select(x => x.Item),
        Gen.Elements(0L, 1L, -1L, 63L, 64L, -64L, -65L, 127L, 128L, long.MaxValue, long.MinValue, long.MaxValue - 1, long.MinValue + 1));

    public static Gen<ulong> UInt64 { get; } = Gen.OneOf(
        Default<ulong>(),
        Default<DoNotSize<ulong>>().Select(x => x.Item),
        Gen.Elements(0UL, 1UL, 127UL, 128UL, 16383UL, 16384UL, ulong.MaxValue, ulong.MaxValue - 1, (ulong)long.MaxValue + 1));

    /// <summary>Ids the URI form can carry: 0 to <see cref="long.MaxValue"/>.</summary>
    public static Gen<long> NonNegativeId { get; } = Gen.OneOf(
        Int64.Select(x => x & long.MaxValue),
        Gen.Elements(0L, 1L, 9L, 10L, long.MaxValue));

    public static Gen<int> Int32 { get; } = Gen.OneOf(
        Default<int>(),
        Default<DoNotSize<int>>().Select(x => x.Item),
        Gen.Elements(0, 1, -1, int.MaxValue, int.MinValue, 63, -64, 64, -65));

    public static Gen<uint> UInt32 { get; } = Gen.OneOf(
        Default<uint>(),
        Default<DoNotSize<uint>>().Select(x => x.Item),
        Gen.Elements(0u, 127u, 128u, uint.MaxValue, (uint)int.MaxValue + 1));

    public static Gen<double> Double { get; } = Gen.OneOf(
        Default<double>(),
        Default<DoNotSize<long>>().Select(x => BitConverter.Int64BitsToDouble(x.Item)),
        Gen.Elements(
            double.NaN, -double.NaN, BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_0001), double.PositiveInfinity,
            double.NegativeInfinity, -0.0, 0.0, double.Epsilon, double.MaxValue, double.MinValue));

    public static Gen<float> Single { get; } = Gen.OneOf(
        Default<float>(),
        Default<DoNotSize<int>>().Select(x => BitConverter.Int32BitsToSingle(x.Item)),
        Gen.Elements(
            float.NaN, -float.NaN, BitConverter.Int32BitsToSingle(0x7F80_0001), float.PositiveInfinity,
            float.NegativeInfinity, -0.0f, 0.0f, float.Epsilon, float.MaxValue, float.MinValue));

    public static Gen<decimal> Decimal { get; } = Gen.OneOf(
        Default<decimal>(),
        from lo in Default<DoNotSize<int>>()
        from mid in Default<DoNotSize<int>>()
        from hi in Default<DoNotSize<int>>()
        from negative in Default<bool>()
        from scale in Gen.Choose(0, 28)
        select new decimal(lo.Item, mid.Item, hi.Item, negative, (byte)scale),
        Gen.Elements(decimal.MaxValue, decimal.MinValue, 0m, 1.000m, new decimal(0, 0, 0, true, 5), 0.0000000000000000000000000001m));

    public static Gen<char> Char { get; } = Gen.OneOf(Default<char>(), Gen.Choose(0, 0xFFFF).Select(i => (char)i));

    public static Gen<DateTime> DateTime { get; } =
        from ticks in Gen.OneOf(
            Default<DoNotSize<long>>().Select(x => (x.Item & long.MaxValue) % (System.DateTime.MaxValue.Ticks + 1)),
            Gen.Elements(0L, System.DateTime.MaxValue.Ticks, System.DateTime.UnixEpoch.Ticks, System.TimeSpan.TicksPerDay))
        from kind in Gen.Elements(DateTimeKind.Utc, DateTimeKind.Local, DateTimeKind.Unspecified)
        select new DateTime(ticks, kind);

    public static Gen<DateTimeOffset> DateTimeOffset { get; } =
        from ticks in Default<DoNotSize<long>>().Select(x => System.TimeSpan.TicksPerDay + ((x.Item & long.MaxValue) % (System.DateTime.MaxValue.Ticks - (2 * System.TimeSpan.TicksPerDay))))
        from minutes in Gen.OneOf(Gen.Choose(-14 * 60, 14 * 60), Gen.Elements(0, 60, -300, 330, 345, 840, -840))
        select new DateTimeOffset(ticks, System.TimeSpan.FromMinutes(minutes));

    public static Gen<TimeSpan> TimeSpan { get; } = Gen.OneOf(
        Int64.Select(t => new TimeSpan(t)),
        Gen.Elements(System.TimeSpan.Zero, System.TimeSpan.MaxValue, System.TimeSpan.MinValue, System.TimeSpan.FromMilliseconds(1.5)));

    /// <summary>Any Unicode scalar value (no lone surrogates).</summary>
    public static Gen<string> Rune { get; } = Gen.OneOf(
        Gen.Choose(0x20, 0x7E),
        Gen.Choose(0, 0xD7FF),
        Gen.Choose(0xE000, 0x10FFFF)).Select(cp => new Rune(cp).ToString());

    /// <summary>Well-formed strings only (a lone surrogate does not survive UTF-8; see StringAndBytesTests).</summary>
    public static Gen<string> WellFormedString(int minRunes, int maxRunes) =>
        Gen.Choose(minRunes, maxRunes).SelectMany(n => Gen.ArrayOf(Rune, n)).Select(parts => string.Concat(parts));

    public static Gen<string?> String { get; } = Gen.Frequency(
        (4, Default<string>().Where(IsWellFormed).Select(s => (string?)s)),
        (4, WellFormedString(0, 40).Select(s => (string?)s)),
        (1, WellFormedString(170, 900).Select(s => (string?)s)),
        (1, Gen.Elements<string?>(null, string.Empty, "é", "日本語", "😀", new string('x', 169), new string('x', 170), new string('é', 600))));

    /// <summary>Short strings (and null), for collections where long ones would only slow the tests down.</summary>
    public static Gen<string?> ShortString { get; } = Gen.Frequency(
        (4, Default<string>().Where(IsWellFormed).Select(s => (string?)s)),
        (4, WellFormedString(0, 12).Select(s => (string?)s)),
        (1, Gen.Constant<string?>(null)));

    public static Gen<byte[]?> Bytes { get; } = Gen.Frequency(
        (6, Default<byte[]>().Select(b => (byte[]?)b)),
        (2, Gen.Choose(100, 3000).SelectMany(n => Gen.ArrayOf(Default<byte>(), n)).Select(b => (byte[]?)b)),
        (1, Gen.Elements<byte[]?>(null, Array.Empty<byte>())));

    public static bool IsWellFormed(string? s) =>
        s is null || string.Equals(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s)), s, StringComparison.Ordinal);

    private static Gen<string> NodePart(int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(Gen.Elements(NodeChars.ToCharArray()), n)).Select(cs => new string(cs));

    private static Gen<string> Ipv4 { get; } =
        Gen.ArrayOf(Gen.Choose(0, 255), 4).Select(parts => string.Join('.', parts));

    public static Gen<NodeName> NodeName { get; } = Gen.OneOf(
        from name in NodePart(1, 12)
        from host in Gen.OneOf(NodePart(1, 20), Ipv4, Gen.Elements("localhost", "127.0.0.1", "host.example.com"))
        select Partisan.NodeName.Parse(name + "@" + host),
        from name in NodePart(1, 120)
        from host in NodePart(1, 134)
        select Partisan.NodeName.Parse(name + "@" + host));

    /// <summary>Valid registered names: no colon, control character or white space; non-ASCII allowed.</summary>
    public static Gen<string> RegisteredName { get; } =
        Gen.Choose(1, 30)
            .SelectMany(n => Gen.ArrayOf(Gen.Elements("a", "Z", "0", "_", "-", ".", "/", "@", "#", "é", "日本", "😀", "srv", "worker"), n))
            .Select(parts => string.Concat(parts))
            .Where(s => s.Length <= Partisan.RegisteredName.MaxLength);

    public static Gen<Pid> Pid { get; } = from node in NodeName from id in Int64 select new Pid(node, id);

    public static Gen<Pid> UriPid { get; } = from node in NodeName from id in NonNegativeId select new Pid(node, id);

    public static Gen<Ref> Ref { get; } = from node in NodeName from id in Int64 select new Ref(node, id);

    public static Gen<Ref> UriRef { get; } = from node in NodeName from id in NonNegativeId select new Ref(node, id);

    public static Gen<ProcessRef> NamedProcess { get; } =
        from node in NodeName from name in RegisteredName select Partisan.ProcessRef.ForName(name, node);

    public static Gen<ProcessRef> ProcessRef { get; } = Gen.OneOf(Pid.Select(p => (ProcessRef)p), NamedProcess);

    public static Gen<ProcessRef> UriProcessRef { get; } = Gen.OneOf(UriPid.Select(p => (ProcessRef)p), NamedProcess);

    /// <summary>Remote references of every kind whose ids the URI form can carry.</summary>
    public static Gen<RemoteRef> RemoteRef { get; } = Gen.OneOf(
        UriPid.Select(Partisan.RemoteRef.FromPid),
        UriRef.Select(Partisan.RemoteRef.FromRef),
        from node in NodeName from name in RegisteredName select Partisan.RemoteRef.FromName(name, node));

    public static Gen<ExitReason> ExitReason { get; } =
        from kind in Gen.OneOf(Gen.Elements("normal", "shutdown", "killed", "noproc", "noconnection", "error", "node_stopped"), WellFormedString(0, 12))
        from detail in Gen.OneOf(Gen.Constant<string?>(null), String)
        select new ExitReason(kind, detail);

    public static Gen<Down> Down { get; } =
        from monitor in UriRef from target in UriProcessRef from reason in ExitReason select new Down(monitor, target, reason);

    public static Gen<NodeUp> NodeUp { get; } = NodeName.Select(n => new NodeUp(n));

    public static Gen<NodeDown> NodeDown { get; } =
        from node in NodeName from reason in Gen.OneOf(Gen.Elements("connection_closed", "ping_timeout", "left", string.Empty), WellFormedString(0, 20))
        select new NodeDown(node, reason);
}
