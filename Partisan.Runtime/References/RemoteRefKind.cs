namespace Partisan;

/// <summary>What a <see cref="RemoteRef"/> points at.</summary>
public enum RemoteRefKind : byte
{
    /// <summary>A process id.</summary>
    Pid = 1,

    /// <summary>A reference.</summary>
    Ref = 2,

    /// <summary>A registered name.</summary>
    Name = 3,
}
