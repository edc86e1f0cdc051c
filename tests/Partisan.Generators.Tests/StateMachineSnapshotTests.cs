using Partisan.Generators.Tests.Support;

namespace Partisan.Generators.Tests;

/// <summary>The generated source of the OTP guide's state machines, against checked-in snapshots (see README.md).</summary>
public class StateMachineSnapshotTests
{
    [Fact]
    public void CodeLock() => Snapshot.Verify(GeneratorHarness.RunOutputClean(StateMachineSources.CodeLock));

    [Fact]
    public void PushButton() => Snapshot.Verify(GeneratorHarness.RunOutputClean(StateMachineSources.PushButton));
}
