namespace Partisan;

/// <summary>
/// The answer to a <see cref="StopRequest"/>, shared by the behaviours. OTP's <c>gen:stop</c> answers from the DOWN of
/// a monitor, so the caller resumes only after the process is dead and its name is unregistered. Replying from the
/// behaviour's body, after terminate but before the node's exit clean-up, let the caller see the pid still alive and
/// the name still taken (issue 10); so the reply waits for the process's exit instead.
/// </summary>
internal static class StopReply
{
    /// <summary>
    /// Answers <paramref name="stopper"/> once <paramref name="process"/> has exited: a plain reply when it exited with
    /// <paramref name="requested"/>, otherwise a failure with the reason it did exit with (terminate threw, or it was
    /// killed meanwhile), as <c>gen:stop</c> exits with the other reason.
    /// </summary>
    public static void AfterExit(ProcessContext process, CallHandle stopper, ExitReason requested) =>
        _ = process.Exited.ContinueWith(
            static (exited, state) =>
            {
                var (stopper, requested) = ((CallHandle, ExitReason))state!;
                ExitReason final = exited.Result;
                if (final == requested)
                {
                    stopper.Reply(null);
                }
                else
                {
                    stopper.FailExited(final);
                }
            },
            (stopper, requested),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
}
