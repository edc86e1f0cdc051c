using Partisan;

namespace Partisan.Bench;

/// <summary>The idle scenario's generated gen_server: no state, a call to show it answers, a cast it counts.</summary>
[PartisanServer]
public sealed partial class IdleServer
{
    private static int s_casts;

    /// <summary>Casts handled by every idle server so far.</summary>
    public static int Casts => Volatile.Read(ref s_casts);

    [Call]
    public int Ping(int value) => value;

    [Cast]
    public void Poke() => Interlocked.Increment(ref s_casts);
}
