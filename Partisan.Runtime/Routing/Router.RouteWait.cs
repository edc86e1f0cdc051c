using System.Collections.Concurrent;
using Partisan.Channels;
using Partisan.Connections;
using Partisan.Diagnostics;
using Partisan.Serialization;

namespace Partisan.Routing;

/// <content>
/// Frames for a member with no route yet. A member the overlay knows but neither connects to nor relays to (yet) has
/// a connection set that is never dialed: a frame queued there would wait for ever. That happens while an overlay
/// forms or heals — a sender woken by a node-up event, or a node asked to relay before it computed its own next hop.
/// Such frames wait here, in order, until a route appears (<see cref="RetryHeld"/>: after every overlay reconcile, and
/// on a timer while anything waits) or <see cref="PartisanOptions.RouteWaitTimeout"/> passes (dropped as
/// <c>no_route</c>). While a member has frames waiting, later frames for it wait behind them, so nothing overtakes.
/// </content>
internal sealed partial class Router
{
    private const string HoldRoute = "hold";
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentDictionary<NodeName, RouteWait> _waits = new();
    private int _waitCount; // entries in _waits: senders look there only when it is not 0
    private TimeProvider _time = TimeProvider.System;
    private TimeSpan _routeWaitTimeout = TimeSpan.FromSeconds(5);
    private long _maxHeldBytes = long.MaxValue;
    private readonly Lock _timerGate = new();
    private ITimer? _retryTimer;
    private volatile bool _stopped;

    /// <summary>Sets the clock, how long a frame may wait for a route, and the bytes that may wait per member.</summary>
    public void UseRouteWait(TimeProvider time, TimeSpan timeout, long maxBytesPerMember)
    {
        _time = time;
        _routeWaitTimeout = timeout;
        _maxHeldBytes = maxBytesPerMember;
    }

    /// <summary>Frames waiting for a route, over all members (for tests and inspection).</summary>
    public int HeldFrames
    {
        get
        {
            int count = 0;
            foreach (KeyValuePair<NodeName, RouteWait> pair in _waits)
            {
                lock (pair.Value)
                {
                    count += pair.Value.Count;
                }
            }

            return count;
        }
    }

    private bool IsWaiting(NodeName node) => Volatile.Read(ref _waitCount) != 0 && _waits.ContainsKey(node);

    /// <summary>Queues <paramref name="frame"/> on <paramref name="route"/>'s connection, or holds it when the route is to wait.</summary>
    private bool Deliver(NodeName node, in Route route, OutboundFrame frame, bool bounded)
    {
        if (route.Slot is { } slot)
        {
            return EnqueueControl(slot, frame, bounded);
        }

        return Hold(node, new HeldFrame(frame, route.Channel.Name, bounded, Bare: true, _time.GetTimestamp()));
    }

    /// <summary>Holds a frame for <paramref name="node"/> until it has a route; routes it at once if the wait just ended.</summary>
    private bool Hold(NodeName node, HeldFrame held)
    {
        if (_stopped || _routeWaitTimeout <= TimeSpan.Zero)
        {
            return DropHeld(node, held.Frame, "no_route");
        }

        while (true)
        {
            if (!_waits.TryGetValue(node, out RouteWait? wait))
            {
                var fresh = new RouteWait();
                if (!_waits.TryAdd(node, fresh))
                {
                    continue;
                }

                Interlocked.Increment(ref _waitCount);
                ArmRetryTimer();
                wait = fresh;
            }

            lock (wait)
            {
                if (!wait.Closed)
                {
                    if (held.Bounded && wait.Bytes + held.Frame.Length > _maxHeldBytes)
                    {
                        return DropHeld(node, held.Frame, "queue_full");
                    }

                    wait.Add(held);
                    return true;
                }
            }

            // The wait ended (a route appeared) between the sender's look and here: route afresh.
            switch (Release(node, held))
            {
                case HeldOutcome.Sent:
                    return true;
                case HeldOutcome.Dropped:
                    return false;
            }
        }
    }

    /// <summary>
    /// Sends what waits for members that now have a route, and drops what waited longer than
    /// <see cref="PartisanOptions.RouteWaitTimeout"/>. Any thread; cheap when nothing waits.
    /// </summary>
    public void RetryHeld()
    {
        if (Volatile.Read(ref _waitCount) == 0)
        {
            return;
        }

        long now = _time.GetTimestamp();
        foreach (KeyValuePair<NodeName, RouteWait> pair in _waits)
        {
            RouteWait wait = pair.Value;
            lock (wait)
            {
                if (wait.Closed)
                {
                    continue;
                }

                while (wait.Count > 0 && Release(pair.Key, wait.Peek()) != HeldOutcome.StillWaiting)
                {
                    wait.Take();
                }

                while (wait.Count > 0 && (_stopped || _time.GetElapsedTime(wait.Peek().HeldAt, now) >= _routeWaitTimeout))
                {
                    DropHeld(pair.Key, wait.Take().Frame, "no_route");
                }

                if (wait.Count == 0)
                {
                    wait.Closed = true;
                    _waits.TryRemove(pair);
                    Interlocked.Decrement(ref _waitCount);
                }
            }
        }

        if (Volatile.Read(ref _waitCount) == 0)
        {
            DisarmRetryTimer();
        }
    }

    /// <summary>Drops everything still waiting (the node stops).</summary>
    public void StopRouteWait()
    {
        _stopped = true;
        RetryHeld();
        DisarmRetryTimer();
    }

    private enum HeldOutcome
    {
        Sent,
        Dropped,
        StillWaiting,
    }

    /// <summary>Routes a held frame if its member has a route now; the frame is consumed unless it is still waiting.</summary>
    private HeldOutcome Release(NodeName node, in HeldFrame held)
    {
        OutboundFrame frame = held.Frame;
        string? failure = TryRoute(node, held.Channel, frame.Key, out Route route, ignoreWaits: true);
        if (failure == HoldRoute)
        {
            return HeldOutcome.StillWaiting;
        }

        if (failure is not null)
        {
            DropHeld(node, frame, failure);
            return HeldOutcome.Dropped;
        }

        if (route.RelayTo is { } destination && held.Bare)
        {
            frame = WithRelayHeader(frame, destination);
        }

        return EnqueueControl(route.Slot!, frame, held.Bounded) ? HeldOutcome.Sent : HeldOutcome.Dropped;
    }

    /// <summary>A copy of <paramref name="bare"/> behind a relay header for <paramref name="destination"/>; returns <paramref name="bare"/> to the pool.</summary>
    private OutboundFrame WithRelayHeader(OutboundFrame bare, NodeName destination)
    {
        OutboundFrame frame = OutboundFrame.Rent();
        var writer = new WireWriter(frame.Body, _codec.Context);
        new RelayHeader(destination, _self, _relayHops, bare.Key).Write(ref writer);
        writer.Flush();
        int at = (int)frame.Body.WrittenCount;
        bare.Body.CopyTo(frame.Body);
        frame.Key = bare.Key;
        frame.Sender = bare.Sender;
        frame.SupersedeKey = bare.SupersedeKey;
        if (bare.ExtensionsLength != 0)
        {
            frame.ExtensionsAt = at + bare.ExtensionsAt;
            frame.ExtensionsLength = bare.ExtensionsLength;
        }

        OutboundFrame.Return(bare);
        return frame;
    }

    private bool DropHeld(NodeName node, OutboundFrame frame, string reason)
    {
        OutboundFrame.Return(frame);
        _metrics.Dropped(reason);
        if (reason == "no_route")
        {
            Log.NoRoute(_logger, node);
        }

        return false;
    }

    private void ArmRetryTimer()
    {
        lock (_timerGate)
        {
            _retryTimer ??= _time.CreateTimer(static state => ((Router)state!).RetryHeld(), this, RetryPeriod, RetryPeriod);
        }
    }

    private void DisarmRetryTimer()
    {
        lock (_timerGate)
        {
            if (Volatile.Read(ref _waitCount) == 0 || _stopped)
            {
                _retryTimer?.Dispose();
                _retryTimer = null;
            }
        }
    }
}
