namespace Partisan.MetadataStore;

/// <summary>An exchange's opening: a digest of every prefix the initiator holds (prefix → <see cref="MetadataReplica.DigestOf"/>).</summary>
/// <param name="Digests">One digest per prefix.</param>
[PartisanMessage]
public sealed record PrefixDigests(Dictionary<string, long> Digests);

/// <summary>
/// An exchange's step: entries of prefixes whose digests differ, and the prefixes whose entries the sender wants back
/// (those it lacks or holds older; empty on the last step).
/// </summary>
/// <param name="Entries">The sender's entries the receiver may lack.</param>
/// <param name="Wanted">Prefixes the sender wants the receiver's entries of.</param>
[PartisanMessage]
public sealed record PrefixEntries(MetadataEntry[] Entries, string[] Wanted);
