namespace Partisan;

/// <summary>When a child is restarted after it exits (OTP's child spec <c>restart</c>).</summary>
public enum RestartType
{
    /// <summary>Always (<c>permanent</c>).</summary>
    Permanent,

    /// <summary>Only after an abnormal exit: not after <c>normal</c> or <c>shutdown</c> (<c>transient</c>).</summary>
    Transient,

    /// <summary>Never; the child's spec is removed when it exits (<c>temporary</c>).</summary>
    Temporary,
}
