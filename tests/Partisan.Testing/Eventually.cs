namespace Partisan.Tests.Support;

/// <summary>Waits for a condition that depends on other threads or processes, polling, with a generous bound.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static async Task True(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Like <see cref="True(Func{bool}, string, TimeSpan?)"/>, for a condition that has to await.</summary>
    public static async Task True(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Awaits <paramref name="task"/> with a bound, failing with <paramref name="what"/> if it does not finish.</summary>
    public static async Task Within(Task task, string what, TimeSpan? timeout = null)
    {
        Task winner = await Task.WhenAny(task, Task.Delay(timeout ?? DefaultTimeout));
        if (winner != task)
        {
            throw new TimeoutException($"Timed out waiting for {what}.");
        }

        await task;
    }

    /// <summary>Awaits <paramref name="task"/> with a bound, failing with <paramref name="what"/> if it does not finish.</summary>
    public static async Task<T> Within<T>(Task<T> task, string what, TimeSpan? timeout = null)
    {
        Task winner = await Task.WhenAny(task, Task.Delay(timeout ?? DefaultTimeout));
        if (winner != task)
        {
            throw new TimeoutException($"Timed out waiting for {what}.");
        }

        return await task;
    }
}
