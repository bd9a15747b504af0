using System.Text.Json.Serialization;

namespace HarmonyLite.Engine.Cluster;

[JsonSourceGenerationOptions(UseStringEnumConverter = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(NodeEntry))]
[JsonSerializable(typeof(ClusterStatus))]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
