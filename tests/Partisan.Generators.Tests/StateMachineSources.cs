namespace Partisan.Generators.Tests;

/// <summary>The OTP gen_statem guide's examples as [PartisanStateMachine] classes, shared by the snapshot, compile and incremental tests.</summary>
internal static class StateMachineSources
{
    /// <summary>The code lock (state functions, state enter calls, state timeouts, postpone, a call in any state).</summary>
    public const string CodeLock = """

        namespace Locks;

        public enum LockState { Locked, Open }

        [PartisanStateMachine(typeof(LockState), StateEnter = true)]
        public partial class CodeLock
        {
            private readonly string _code;
            private readonly List<char> _buttons = new();

            public CodeLock(string code) => _code = code;

            [Init]
            private LockState Init() => LockState.Locked;

            [Enter]
            private void Locked() => _buttons.Clear();

            [StateTimeout, InState(LockState.Locked)]
            private void ForgetButtons() => _buttons.Clear();

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
                    : Keep().StateTimeout(TimeSpan.FromSeconds(30));
            }

            [Enter]
            private Transition<LockState> Open() => Keep().StateTimeout(TimeSpan.FromSeconds(10));

            [StateTimeout, InState(LockState.Open)]
            private Transition<LockState> Relock() => Next(LockState.Locked);

            [Cast, Event("Button")]
            private Transition<LockState> Open(char digit) => Keep().Postpone();

            [Call, AnyState]
            private int CodeLength() => _code.Length;
        }
        """;

    /// <summary>The push button (handle_event mode, replies with the next state, a counter in a field, terminate).</summary>
    public const string PushButton = """

        namespace Buttons;

        public enum Switch { Off, On }

        [PartisanStateMachine(typeof(Switch), Mode = StateMachineMode.HandleEvent)]
        public partial class PushButton
        {
            private int _count;

            [Init]
            private Switch Init() => Switch.Off;

            [Call]
            private (Transition<Switch>, Switch) Push(Switch state)
            {
                if (state == Switch.Off)
                {
                    _count++;
                    return (Next(Switch.On), Switch.On);
                }

                return (Next(Switch.Off), Switch.Off);
            }

            [Call]
            private int GetCount() => _count;

            [Terminate]
            private void Terminate(ExitReason reason, Switch state)
            {
            }
        }
        """;
}
