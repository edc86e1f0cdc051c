using System.Text.Json.Serialization;

namespace Partisan.Dashboard;

/// <summary>The dashboard's JSON (source-generated, camelCase).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(NodeSnapshot))]
internal sealed partial class DashboardJson : JsonSerializerContext;
