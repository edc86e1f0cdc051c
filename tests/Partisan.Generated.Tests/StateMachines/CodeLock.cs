
namespace Partisan.Generated.Tests.StateMachines;

/// <summary>The two states of <see cref="CodeLock"/>.</summary>
public enum LockState
{
    Locked,
    Open,
}

/// <summary>
/// OTP's gen_statem guide's code lock, in its state enter and postpone form: state functions named after the
/// states; entering locked clears the buttons; a wrong or incomplete code arms a 30 s state timeout that clears
/// them; open relocks after a 10 s state timeout; buttons pressed while open are postponed until it is locked
/// again; <c>code_length</c> is a call handled in any state.
/// </summary>
[PartisanStateMachine(typeof(LockState), StateEnter = true)]
public partial class CodeLock
{
    private readonly string _code;
    private readonly List<char> _buttons = new();
    private readonly EventLog _log;

    public CodeLock(string code, EventLog log)
    {
        _code = code;
        _log = log;
    }

    [Init]
    private LockState Init() => LockState.Locked;

    [Enter]
    private void Locked()
    {
        _log.Add("lock");
        _buttons.Clear();
    }

    [StateTimeout, InState(LockState.Locked)]
    private void ForgetButtons()
    {
        _log.Add("forget");
        _buttons.Clear();
    }

    [Cast, Event("Button")]
    private Transition<LockState> Locked(char digit)
    {
        if (_buttons.Count == _code.Length)
        {
            _buttons.RemoveAt(0);
        }

        _buttons.Add(digit);
        return new string(_buttons.ToArray()) == _code
            ? Next(LockState.Open)
            : Keep().StateTimeout(TimeSpan.FromSeconds(30)); // incomplete or wrong
    }

    [Enter]
    private Transition<LockState> Open()
    {
        _log.Add("unlock");
        return Keep().StateTimeout(TimeSpan.FromSeconds(10));
    }

    [StateTimeout, InState(LockState.Open)]
    private Transition<LockState> Relock() => Next(LockState.Locked);

    [Cast, Event("Button")]
    private Transition<LockState> Open(char digit) => Keep().Postpone();

    [Call, AnyState]
    private int CodeLength() => _code.Length;

    [Call, AnyState]
    private string CurrentState(LockState state) => state.ToString();

    /// <summary>A nullable enum reply: it crosses the wire as the enum, which the generator registers.</summary>
    [Call, AnyState]
    private LockState? StateIfOpen(LockState state) => state == LockState.Open ? state : null;
}

/// <summary>A thread-safe list of what a machine did, for tests to read or wait on (an explicit signal, no polling).</summary>
public sealed class EventLog
{
    private readonly List<string> _entries = new();
    private readonly List<(Func<string[], bool> Condition, TaskCompletionSource Done)> _waiters = new();

    public void Add(string entry)
    {
        lock (_entries)
        {
            _entries.Add(entry);
            string[] now = _entries.ToArray();
            _waiters.RemoveAll(w =>
            {
                if (!w.Condition(now))
                {
                    return false;
                }

                w.Done.TrySetResult();
                return true;
            });
        }
    }

    public string[] Snapshot()
    {
        lock (_entries)
        {
            return _entries.ToArray();
        }
    }

    /// <summary>Completes once <paramref name="count"/> entries equal <paramref name="entry"/>.</summary>
    public Task WhenLogged(string entry, int count = 1)
    {
        bool Reached(string[] entries) => entries.Count(e => e == entry) >= count;
        lock (_entries)
        {
            if (Reached(_entries.ToArray()))
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((Reached, done));
            return done.Task;
        }
    }
}
