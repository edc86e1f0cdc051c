namespace Partisan.Simulation;

/// <summary>What a message rule does with a message.</summary>
public enum MessageFateKind
{
    /// <summary>Deliver it after the usual latency.</summary>
    Deliver,

    /// <summary>Lose it.</summary>
    Drop,

    /// <summary>Deliver it after the usual latency plus <see cref="MessageFate.ExtraDelay"/> (later messages on the link wait behind it).</summary>
    Delay,
}
