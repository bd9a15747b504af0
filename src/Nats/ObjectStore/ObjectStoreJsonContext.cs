using System.Text.Json.Serialization;
using HarmonyLite.Nats.JetStream.Serialization;

namespace HarmonyLite.Nats.ObjectStore;

/// <summary>Source-generated JSON for object metadata.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(Rfc3339TimeConverter)])]
[JsonSerializable(typeof(ObjectInfo))]
internal sealed partial class ObjectStoreJsonContext : JsonSerializerContext
{
}
