using Partisan.Generators.Helpers;

namespace Partisan.Generators.Messages.Model;

/// <summary>The wire id a message type will have (explicit, or the default hash) and where to point a duplicate-id error.</summary>
/// <param name="Id">The id.</param>
/// <param name="TypeName">The type, for messages.</param>
/// <param name="Location">The <c>TypeId</c> argument when explicit, else the type's name.</param>
internal sealed record TypeIdClaim(uint Id, string TypeName, LocationInfo? Location);
