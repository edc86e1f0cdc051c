namespace Partisan;

/// <summary>What a supervisor restarts when a child exits (OTP's <c>strategy</c>).</summary>
public enum RestartStrategy
{
    /// <summary>Only the child that exited (<c>one_for_one</c>).</summary>
    OneForOne,

    /// <summary>Every child: the others are stopped in reverse start order, then all are started in order (<c>one_for_all</c>).</summary>
    OneForAll,

    /// <summary>The child that exited and those started after it, stopped in reverse and started in order (<c>rest_for_one</c>).</summary>
    RestForOne,
}
