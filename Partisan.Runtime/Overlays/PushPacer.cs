namespace Partisan.Overlays;

/// <summary>
/// Paces an overlay's pushes: one push for every change until it runs, at once when the last push is at least
/// <c>gap</c> ago, otherwise when it is. Arms the overlay's timer <c>timerName</c>; the overlay pushes when it fires and
/// calls <see cref="Pushed"/>.
/// </summary>
internal sealed class PushPacer(string timerName, TimeSpan gap)
{
    private bool _scheduled;
    private long _lastPushAt = long.MinValue;

    /// <summary>The timer the pacer arms.</summary>
    public string TimerName { get; } = timerName;

    /// <summary>Forgets any scheduled push (the overlay restarted).</summary>
    public void Reset()
    {
        _scheduled = false;
        _lastPushAt = long.MinValue;
    }

    /// <summary>Schedules a push unless one is already scheduled.</summary>
    public void Schedule(IOverlayContext context)
    {
        if (_scheduled)
        {
            return;
        }

        _scheduled = true;
        TimeSpan wait = _lastPushAt == long.MinValue ? TimeSpan.Zero : gap - context.Time.GetElapsedTime(_lastPushAt);
        context.SetTimer(TimerName, wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
    }

    /// <summary>The overlay pushed (its timer fired).</summary>
    public void Pushed(IOverlayContext context)
    {
        _scheduled = false;
        _lastPushAt = context.Time.GetTimestamp();
    }
}
