namespace Partisan;

/// <summary>Shared start logic of the behaviours.</summary>
internal static class Starting
{
    /// <summary>Spawns the behaviour's process: linked to <paramref name="parent"/>, else to the parent of a <see cref="LinkedStart"/> scope, else unlinked.</summary>
    public static Pid Spawn(PartisanNode node, Func<ProcessContext, Task> body, string? name, Pid? parent = null) =>
        (parent ?? LinkedStart.Take()) is { } linkTo ? node.SpawnLink(linkTo, body, name) : node.Spawn(body, name);

    /// <summary>
    /// Fails the start with <paramref name="error"/> once the process is gone (its init threw): as OTP's start, the caller
    /// learns of the failure only after the process has exited, its name is free and its links and monitors have fired.
    /// </summary>
    public static void FailAfterExit(ProcessContext process, TaskCompletionSource<Pid> started, GenServerStartException error) =>
        _ = process.Exited.ContinueWith(
            static (_, state) =>
            {
                var (started, error) = ((TaskCompletionSource<Pid>, GenServerStartException))state!;
                started.TrySetException(error);
            },
            (started, error),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
}
