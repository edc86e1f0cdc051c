namespace Partisan;

/// <summary>
/// OTP's restart intensity: the times of the recent restarts on the node's clock; a restart is allowed while no more than
/// <c>intensity</c> of them fall within the last <c>period</c>.
/// </summary>
internal sealed class RestartIntensity(int intensity, TimeSpan period, TimeProvider time)
{
    private readonly Queue<long> _restarts = new();

    /// <summary>Records a restart; false when it exceeds the intensity (the supervisor must give up).</summary>
    public bool TryRecordRestart()
    {
        long now = time.GetTimestamp();
        _restarts.Enqueue(now);
        while (_restarts.Count > 0 && time.GetElapsedTime(_restarts.Peek(), now) > period)
        {
            _restarts.Dequeue();
        }

        return _restarts.Count <= intensity;
    }
}
