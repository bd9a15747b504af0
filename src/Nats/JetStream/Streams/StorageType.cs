using System.Text.Json.Serialization;
using HarmonyLite.Nats.JetStream.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>Where a stream keeps its messages.</summary>
[JsonConverter(typeof(StorageTypeConverter))]
public enum StorageType
{
    File,
    Memory,
}
