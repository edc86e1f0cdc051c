namespace Partisan.Broadcast;

// The engine's named timers on the node's clock: a tick hops onto the host's loop, and a tick of an arming that was
// replaced or cancelled meanwhile finds another (or no) arming under its name and does nothing.
internal sealed partial class BroadcastHost
{
    private readonly Dictionary<string, ArmedTimer> _timers = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public void SetTimer(string name, TimeSpan due, TimeSpan? period = null)
    {
        CancelTimer(name);
        var armed = new ArmedTimer(this, name, period is not null);
        _timers[name] = armed;
        if (due <= TimeSpan.Zero && period is null)
        {
            armed.Elapsed();
            return;
        }

        armed.Timer = Time.CreateTimer(static s => ((ArmedTimer)s!).Elapsed(), armed, due, period ?? Timeout.InfiniteTimeSpan);
    }

    /// <inheritdoc />
    public void CancelTimer(string name)
    {
        if (_timers.Remove(name, out ArmedTimer? armed))
        {
            armed.Timer?.Dispose();
        }
    }

    private void CancelAllTimers()
    {
        foreach (ArmedTimer armed in _timers.Values)
        {
            armed.Timer?.Dispose();
        }

        _timers.Clear();
    }

    private sealed class ArmedTimer(BroadcastHost host, string name, bool periodic)
    {
        public ITimer? Timer { get; set; }

        // Any thread (the clock's): queue the tick.
        public void Elapsed() => host._work.Writer.TryWrite(new BroadcastWork(BroadcastWorkKind.Timer, default, this));

        // The loop.
        public void Fire()
        {
            if (!host._timers.TryGetValue(name, out ArmedTimer? current) || !ReferenceEquals(current, this))
            {
                return;
            }

            if (!periodic)
            {
                host._timers.Remove(name);
                Timer?.Dispose();
            }

            host._engine.TryHandleTimer(name);
        }
    }
}
