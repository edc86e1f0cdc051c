namespace Partisan;

/// <summary>Shared start logic of the behaviours.</summary>
internal static class Starting
{
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
