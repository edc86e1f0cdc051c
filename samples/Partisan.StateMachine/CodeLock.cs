
namespace Partisan.StateMachineSample;

/// <summary>The code lock's states.</summary>
public enum LockState
{
    Locked,
    Open,
}

/// <summary>
/// The code lock of OTP's gen_statem user's guide: buttons are casts; the right code opens the lock, which relocks
/// after a state timeout; buttons pressed while it is open are postponed until it is locked again; the code's
/// length is a call answered in any state. The fields are the machine's data.
/// </summary>
[PartisanStateMachine(typeof(LockState), StateEnter = true)]
public partial class CodeLock(string code, TimeSpan openFor)
{
    private readonly List<char> _buttons = new();

    [Init]
    private LockState Init() => LockState.Locked;

    [Enter]
    private void Locked()
    {
        Console.WriteLine("  [lock] locked");
        _buttons.Clear();
    }

    [Cast, Event("Button")]
    private Transition<LockState> Locked(char digit)
    {
        if (_buttons.Count == code.Length)
        {
            _buttons.RemoveAt(0);
        }

        _buttons.Add(digit);
        Console.WriteLine($"  [lock] button {digit}");
        return new string(_buttons.ToArray()) == code
            ? Next(LockState.Open)
            : Keep().StateTimeout(TimeSpan.FromSeconds(30)); // forget an incomplete code after 30 s
    }

    [StateTimeout, InState(LockState.Locked)]
    private void ForgetButtons() => _buttons.Clear();

    [Enter]
    private Transition<LockState> Open()
    {
        Console.WriteLine($"  [lock] open (relocks in {openFor.TotalSeconds:0.#} s)");
        return Keep().StateTimeout(openFor);
    }

    [StateTimeout, InState(LockState.Open)]
    private Transition<LockState> Relock() => Next(LockState.Locked);

    [Cast, Event("Button")]
    private Transition<LockState> Open(char digit)
    {
        Console.WriteLine($"  [lock] button {digit} while open: postponed");
        return Keep().Postpone();
    }

    [Call, AnyState]
    private int CodeLength() => code.Length;

    [Call, AnyState]
    private string Status(LockState state) => state.ToString();
}
