using System.Text.Json.Serialization;

namespace HarmonyLite.Engine.Snapshots;

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(SnapshotMetadata))]
internal sealed partial class SnapshotJsonContext : JsonSerializerContext;
