namespace Partisan.Routing;

/// <summary>
/// Hashes partition keys to pick one of a channel's parallel connections. Strings and integers hash
/// the same in every process (FNV-1a and a 64-bit mix), so affinity does not depend on the runtime's
/// per-process string hash seed.
/// </summary>
internal static class PartitionHash
{
    public static long Of(ProcessRef target) => target.IsPid ? Mix(target.Id) : Of(target.Name!);

    public static long Of(object key) => key switch
    {
        string s => Of(s),
        int i => Mix(i),
        long l => Mix(l),
        uint u => Mix(u),
        ulong ul => Mix(unchecked((long)ul)),
        short sh => Mix(sh),
        byte b => Mix(b),
        Guid g => Mix(g.GetHashCode()),
        Pid p => Mix(p.Id),
        ProcessRef r => Of(r),
        NodeName n => Of(n.Value),
        _ => Mix(key.GetHashCode()),
    };

    public static long Of(string key)
    {
        ulong hash = 14695981039346656037;
        foreach (char c in key)
        {
            hash = (hash ^ c) * 1099511628211;
        }

        return (long)(hash & long.MaxValue);
    }

    private static long Mix(long value)
    {
        ulong x = unchecked((ulong)value);
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccd;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53;
        x ^= x >> 33;
        return (long)(x & long.MaxValue);
    }
}
