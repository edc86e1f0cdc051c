using Partisan.Generators.Helpers;

namespace Partisan.Generators.Messages.Model;

/// <summary>What the parser makes of one [PartisanMessage] type: the model (or the errors) and its type id claim.</summary>
internal sealed record MessageParseResult(Result<MessageModel> Result, TypeIdClaim? Claim);
