namespace Partisan.Overlays;

/// <summary>An overlay's answer to an inbound connection: accepted, or refused with a reason the initiator is told.</summary>
public readonly record struct OverlayAdmission
{
    private OverlayAdmission(string? refusal) => Refusal = refusal;

    /// <summary>Accept the connection.</summary>
    public static OverlayAdmission Accept { get; }

    /// <summary>Why the connection is refused; null when it is accepted.</summary>
    public string? Refusal { get; }

    /// <summary>True when the connection is accepted.</summary>
    public bool IsAccepted => Refusal is null;

    /// <summary>Refuse the connection; <paramref name="reason"/> is sent to the initiator and logged there.</summary>
    public static OverlayAdmission Refuse(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new OverlayAdmission(reason);
    }
}
