namespace Partisan;

/// <summary>Shared start logic of the behaviours.</summary>
internal static class Starting
{
    /// <summary>Spawns the behaviour's process: linked to <paramref name="parent"/>, else to the parent of a <see cref="LinkedStart"/> scope, else unlinked.</summary>
    public static Pid Spawn(PartisanNode node, Func<ProcessContext, Task> body, string? name, Pid? parent = null) =>
        (parent ?? LinkedStart.Take()) is { } linkTo ? node.SpawnLink(linkTo, body, name) : node.Spawn(body, name);

    /// <summary>Returns the pid once init completed; on a failed init, throws only after the process is gone (as OTP's start does).</summary>
    public static async Task<Pid> WaitAsync(Task<ExitReason> exited, Task<Pid> started)
    {
        try
        {
            return await started.ConfigureAwait(false);
        }
        catch (GenServerStartException)
        {
            await exited.ConfigureAwait(false);
            throw;
        }
    }
}
