using System.Diagnostics;

namespace Partisan.Bench;

/// <summary>Cheap process counters, taken before and after a scenario on both sides (--counters).</summary>
internal readonly record struct Counters(long AllocatedBytes, long Gen0, long Gen1, long Gen2, long WorkItems, long LockContentions, long CpuUserUs, long CpuSystemUs, long PoolThreads)
{
    public static Counters Take()
    {
        using var self = Process.GetCurrentProcess();
        return new Counters(
            GC.GetTotalAllocatedBytes(precise: true),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            ThreadPool.CompletedWorkItemCount,
            Monitor.LockContentionCount,
            (long)self.UserProcessorTime.TotalMicroseconds,
            (long)(self.TotalProcessorTime - self.UserProcessorTime).TotalMicroseconds,
            ThreadPool.ThreadCount);
    }

    public long[] ToArray() => [AllocatedBytes, Gen0, Gen1, Gen2, WorkItems, LockContentions, CpuUserUs, CpuSystemUs, PoolThreads];

    public static Counters FromArray(long[] a) => new(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);

    public static Counters operator -(Counters after, Counters before) => new(
        after.AllocatedBytes - before.AllocatedBytes,
        after.Gen0 - before.Gen0,
        after.Gen1 - before.Gen1,
        after.Gen2 - before.Gen2,
        after.WorkItems - before.WorkItems,
        after.LockContentions - before.LockContentions,
        after.CpuUserUs - before.CpuUserUs,
        after.CpuSystemUs - before.CpuSystemUs,
        after.PoolThreads); // a gauge: the thread-pool size at the end

    /// <summary>Adds this delta to <paramref name="result"/> under <paramref name="prefix"/>, per message where that makes sense.</summary>
    public void AddTo(Dictionary<string, object> result, string prefix, double messages)
    {
        double m = Math.Max(1, messages);
        result[prefix + "alloc_b_per_msg"] = Math.Round(AllocatedBytes / m, 1);
        result[prefix + "gc0"] = Gen0;
        result[prefix + "gc1"] = Gen1;
        result[prefix + "gc2"] = Gen2;
        result[prefix + "work_items_per_msg"] = Math.Round(WorkItems / m, 3);
        result[prefix + "lock_contentions"] = LockContentions;
        result[prefix + "cpu_user_us_per_msg"] = Math.Round(CpuUserUs / m, 3);
        result[prefix + "cpu_sys_us_per_msg"] = Math.Round(CpuSystemUs / m, 3);
        result[prefix + "pool_threads"] = PoolThreads;
    }
}
