using System.Text.Json.Serialization;

namespace HarmonyLite.Engine.Cluster;

[JsonSourceGenerationOptions(UseStringEnumConverter = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(NodeEntry))]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
