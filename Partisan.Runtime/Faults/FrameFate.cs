namespace Partisan.Faults;

/// <summary>What the injector decided for one frame a connection's writer took.</summary>
internal enum FrameFate
{
    /// <summary>Write it.</summary>
    Write,

    /// <summary>Lose it (the injector returned it to the pool).</summary>
    Dropped,

    /// <summary>Write it twice.</summary>
    Duplicate,

    /// <summary>The injector took it and queues it again later.</summary>
    Held,
}
