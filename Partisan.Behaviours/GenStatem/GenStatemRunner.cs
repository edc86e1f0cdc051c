using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Partisan.Diagnostics;

namespace Partisan;

/// <summary>
/// The gen_statem engine: an event queue in front of the mailbox (inserted events first, then postponed
/// ones after a state change), state enter calls, and event, state and generic timeouts on the node's
/// clock. Each timer carries a generation number; a timeout whose generation is stale is ignored.
/// </summary>
internal sealed class GenStatemRunner<TState, TData>
{
    private readonly ProcessContext _process;
    private readonly Func<IGenStatem<TState, TData>> _factory;
    private readonly GenStatemContext _context;
    // The collections are made on first use: an idle machine that never postponed, inserted or armed a generic timeout
    // holds none of them (a node may hold very many idle machines).
    private LinkedList<StatemEvent>? _queue;
    private List<StatemEvent>? _postponed;
    private HashSet<CallHandle>? _unanswered;

    /// <summary>
    /// Replies and call failures of the event being handled. They are sent once the whole transition has been applied
    /// (its timers armed, the state enter call run), so a caller holding its reply can rely on that transition's timers
    /// running: deterministic on virtual time, and indistinguishable from sending them in action order otherwise.
    /// </summary>
    private List<StatemAction>? _answers;
    private Dictionary<string, Timer>? _generic;
    private readonly EqualityComparer<TState> _states = EqualityComparer<TState>.Default;
    private Timer _eventTimer;
    private Timer _stateTimer;
    private long _generation;
    private TState _state = default!;
    private TData _data = default!;

    public GenStatemRunner(ProcessContext process, Func<IGenStatem<TState, TData>> factory)
    {
        _process = process;
        _factory = factory;
        _context = new GenStatemContext(process);
    }

    /// <summary>A running timer: its generation and the OS timer.</summary>
    private struct Timer
    {
        public long Generation;
        public ITimer? Handle;
    }

    /// <summary>Posted to the machine's own mailbox when a timer fires.</summary>
    private sealed record TimerFired(EventType Type, string? Name, long Generation, object? Content);

    [SuppressMessage("Design", "CA1031", Justification = "Any callback failure stops the machine with that error, as in OTP.")]
    public async Task RunAsync(TaskCompletionSource<Pid> started)
    {
        IGenStatem<TState, TData> machine;
        try
        {
            machine = _factory();
            _process.SetBehaviour(machine.GetType());
            Transition<TState, TData> init = await machine.InitAsync(_context).ConfigureAwait(false);
            if (init.Kind != TransitionKind.Next)
            {
                throw new InvalidOperationException("Init must return Transition.Next(initialState, initialData).");
            }

            _state = init.State;
            _data = init.Data;
            Apply(init, default, isEnter: false, stateChanged: false);
        }
        catch (Exception ex)
        {
            Starting.FailAfterExit(_process, started, new GenServerStartException($"The state machine failed to start: {ex.Message}", ex));
            throw;
        }

        started.TrySetResult(_process.Self);
        started = null!; // held by this method's state machine while the machine idles
        ExitReason reason;
        try
        {
            // The loop is here, not in a method of its own, so an idle machine holds one suspended method, not two.
            bool stateEnter = machine.StateEnter;
            if (stateEnter)
            {
                ExitReason? stop = await EnterAsync(machine, _state).ConfigureAwait(false);
                if (stop is not null)
                {
                    reason = stop;
                    goto Done;
                }
            }

            while (true)
            {
                EndSpan(); // the previous event's call or cast is handled
                StatemEvent next;
                if (_queue?.First is { } first)
                {
                    _queue.RemoveFirst();
                    next = first.Value;
                }
                else
                {
                    object message = await _process.ReceiveAsync().ConfigureAwait(false);
                    switch (message)
                    {
                        case CallRequest { Request: StopRequest stop } call:
                            StopReply.AfterExit(_process, _process.Node.HandleFor(call), stop.Reason);
                            reason = stop.Reason;
                            goto Done;
                        case CallRequest call:
                            StartSpan(Spans.StartServer(_process.Node.Name, call.TraceParent, call.Request, _process.RegisteredName));
                            CallHandle from = _process.Node.HandleFor(call);
                            (_unanswered ??= []).Add(from);
                            next = new StatemEvent(EventType.Call, call.Request, from);
                            break;
                        case CastRequest cast:
                            StartSpan(Spans.StartConsumer(_process.Node.Name, cast.TraceParent, _process.RegisteredName));
                            next = new StatemEvent(EventType.Cast, cast.Request);
                            break;
                        case TimerFired fired:
                            if (!IsCurrent(fired))
                            {
                                continue; // cancelled or restarted since
                            }

                            next = new StatemEvent(fired.Type, fired.Content, default, fired.Name);
                            break;
                        default:
                            next = new StatemEvent(EventType.Info, message);
                            break;
                    }
                }

                if (next.Type != EventType.EventTimeout)
                {
                    Cancel(ref _eventTimer); // any event cancels the event timeout
                }

                TState before = _state;
                Transition<TState, TData> transition = await machine.HandleEventAsync(next, _state, _data, _context).ConfigureAwait(false);
                if (transition.Kind == TransitionKind.Stop)
                {
                    ApplyReplies(transition);
                    reason = transition.StopReason!;
                    goto Done;
                }

                bool changed = transition.Kind == TransitionKind.Next && !_states.Equals(transition.State, before);
                Apply(transition, next, isEnter: false, stateChanged: changed);
                if (stateEnter && (changed || transition.Kind == TransitionKind.Repeat))
                {
                    ExitReason? stop = await EnterAsync(machine, before).ConfigureAwait(false);
                    if (stop is not null)
                    {
                        reason = stop;
                        goto Done;
                    }
                }

                SendAnswers();
            }

        Done:;
        }
        catch (OperationCanceledException) when (_process.IsStopping)
        {
            reason = _process.ExitSignalReason ?? ExitReason.Killed;
        }
        catch (Exception ex)
        {
            reason = ExitReason.FromException(ex);
        }

        try
        {
            SendAnswers(); // decided before the machine stopped (or before a later step of the same event threw)
        }
        catch (InvalidOperationException ex)
        {
            reason = ExitReason.FromException(ex); // a reply to an empty handle: the machine's error, as in the loop
        }

        EndSpan();
        CancelAllTimers();
        try
        {
            await machine.TerminateAsync(reason, _state, _data, _context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            reason = ExitReason.FromException(ex);
        }

        foreach (CallHandle handle in _unanswered ?? [])
        {
            handle.FailExited(reason);
        }

        if (reason != ExitReason.Normal)
        {
            _process.Exit(reason);
        }
    }

    // The span of the call or cast being handled: from its arrival until the loop takes the next event (the machine's
    // handler, its state enter call and the replies it decided all run under it).
    private Activity? _span;

    private void StartSpan(Activity? span)
    {
        _span = span;
        if (span is not null)
        {
            _process.Node.InstallTraceContext();
        }
    }

    private void EndSpan()
    {
        _span?.Dispose();
        _span = null;
    }

    private async Task<ExitReason?> EnterAsync(IGenStatem<TState, TData> machine, TState oldState)
    {
        Transition<TState, TData> enter = await machine.HandleEventAsync(new StatemEvent(EventType.Enter, oldState), _state, _data, _context).ConfigureAwait(false);
        if (enter.Kind == TransitionKind.Stop)
        {
            ApplyReplies(enter);
            return enter.StopReason;
        }

        if (enter.Kind == TransitionKind.Next && !_states.Equals(enter.State, _state))
        {
            throw new InvalidOperationException($"A state enter call must not change the state (from {_state} to {enter.State}).");
        }

        Apply(enter, default, isEnter: true, stateChanged: false);
        return null;
    }

    private void Apply(Transition<TState, TData> transition, StatemEvent current, bool isEnter, bool stateChanged)
    {
        if (transition.Kind == TransitionKind.Next)
        {
            _state = transition.State;
        }

        if (!transition.KeepsData)
        {
            _data = transition.Data;
        }

        if (stateChanged)
        {
            Cancel(ref _stateTimer); // a state change cancels the state timeout (a new one below applies to the new state)
        }

        List<StatemEvent>? inserted = null;
        bool postpone = false;
        foreach (StatemAction action in transition.Actions)
        {
            switch (action)
            {
                case StatemAction.Reply reply:
                    _unanswered?.Remove(reply.From);
                    (_answers ??= []).Add(reply);
                    break;
                case StatemAction.FailCall fail:
                    _unanswered?.Remove(fail.From);
                    (_answers ??= []).Add(fail);
                    break;
                case StatemAction.Postpone:
                    if (isEnter)
                    {
                        throw new InvalidOperationException("A state enter call cannot postpone.");
                    }

                    postpone = true;
                    break;
                case StatemAction.NextEvent insert:
                    if (isEnter)
                    {
                        throw new InvalidOperationException("A state enter call cannot insert events.");
                    }

                    (inserted ??= []).Add(new StatemEvent(insert.Type, insert.Content));
                    break;
                case StatemAction.SetEventTimeout timeout:
                    Start(ref _eventTimer, EventType.EventTimeout, null, timeout.After, timeout.Content);
                    break;
                case StatemAction.SetStateTimeout timeout:
                    Start(ref _stateTimer, EventType.StateTimeout, null, timeout.After, timeout.Content);
                    break;
                case StatemAction.SetGenericTimeout timeout:
                    _generic ??= new Dictionary<string, Timer>(StringComparer.Ordinal);
                    Timer timer = _generic.GetValueOrDefault(timeout.Name);
                    Start(ref timer, EventType.GenericTimeout, timeout.Name, timeout.After, timeout.Content);
                    _generic[timeout.Name] = timer;
                    break;
            }
        }

        if (postpone)
        {
            (_postponed ??= []).Add(current);
        }

        if ((stateChanged || transition.Kind == TransitionKind.Repeat) && _postponed is { Count: > 0 })
        {
            // Retry postponed events first (in their order), ahead of the mailbox.
            for (int i = _postponed.Count - 1; i >= 0; i--)
            {
                (_queue ??= new LinkedList<StatemEvent>()).AddFirst(_postponed[i]);
            }

            _postponed.Clear();
        }

        // Inserted events go before everything else, the first inserted first.
        for (int i = (inserted?.Count ?? 0) - 1; i >= 0; i--)
        {
            (_queue ??= new LinkedList<StatemEvent>()).AddFirst(inserted![i]);
        }

        if (_queue is { Count: > 0 } && _eventTimer.Handle is not null)
        {
            Cancel(ref _eventTimer); // events are already waiting: the event timeout cannot fire
        }
    }

    private void ApplyReplies(Transition<TState, TData> transition)
    {
        foreach (StatemAction action in transition.Actions)
        {
            if (action is StatemAction.Reply reply)
            {
                _unanswered?.Remove(reply.From);
                (_answers ??= []).Add(reply);
            }
            else if (action is StatemAction.FailCall fail)
            {
                _unanswered?.Remove(fail.From);
                (_answers ??= []).Add(fail);
            }
        }
    }

    /// <summary>
    /// Sends the answers the event's transition decided on (see <see cref="_answers"/>). The list is emptied first, so
    /// an answer that throws (an empty handle) is not sent again on the way out; the exception stops the machine.
    /// </summary>
    private void SendAnswers()
    {
        if (_answers is not { Count: > 0 })
        {
            return;
        }

        StatemAction[] answers = _answers.ToArray();
        _answers.Clear();
        InvalidOperationException? failure = null;
        foreach (StatemAction action in answers)
        {
            try
            {
                if (action is StatemAction.Reply reply)
                {
                    reply.From.Reply(reply.Value);
                }
                else if (action is StatemAction.FailCall fail)
                {
                    fail.From.Fail(fail.Error);
                }
            }
            catch (InvalidOperationException ex)
            {
                failure ??= ex; // the other callers still get their answers
            }
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    private void Start(ref Timer timer, EventType type, string? name, TimeSpan? after, object? content)
    {
        Cancel(ref timer);
        if (after is not { } delay || delay == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        long generation = ++_generation;
        timer.Generation = generation;
        var fired = new TimerFired(type, name, generation, content);
        PartisanNode node = _process.Node;
        Pid self = _process.Self;
        if (delay <= TimeSpan.Zero)
        {
            node.Send(self, fired);
            return;
        }

        timer.Handle = node.TimeProvider.CreateTimer(static s =>
        {
            var (n, pid, message) = ((PartisanNode, Pid, TimerFired))s!;
            n.Send(pid, message);
        }, (node, self, fired), delay, Timeout.InfiniteTimeSpan);
    }

    private static void Cancel(ref Timer timer)
    {
        timer.Handle?.Dispose();
        timer.Handle = null;
        timer.Generation = 0;
    }

    private bool IsCurrent(TimerFired fired) => fired.Type switch
    {
        EventType.EventTimeout => _eventTimer.Generation == fired.Generation,
        EventType.StateTimeout => _stateTimer.Generation == fired.Generation,
        EventType.GenericTimeout => fired.Name is not null && _generic is not null && _generic.TryGetValue(fired.Name, out Timer t) && t.Generation == fired.Generation,
        _ => false,
    };

    private void CancelAllTimers()
    {
        Cancel(ref _eventTimer);
        Cancel(ref _stateTimer);
        if (_generic is null)
        {
            return;
        }

        foreach (string name in _generic.Keys.ToArray())
        {
            Timer timer = _generic[name];
            Cancel(ref timer);
        }

        _generic.Clear();
    }
}
