namespace Partisan.Broadcast;

/// <summary>
/// One step of an anti-entropy exchange: <paramref name="Session"/> is the initiator's number for it, <paramref name="FromInitiator"/>
/// says which side sent it (so both sides' numbers never collide), and a null <paramref name="Body"/> ends it.
/// </summary>
internal sealed record ExchangeMessage(string Handler, long Session, bool FromInitiator, object? Body);
