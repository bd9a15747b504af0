using System.Text.Json;
using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream.Serialization;

/// <summary>Maps an enum to the exact strings the JetStream API uses, without reflection (trimming-safe).</summary>
internal abstract class JsonEnumConverter<T> : JsonConverter<T> where T : struct, Enum
{
    private readonly (T Value, string Name)[] _names;

    protected JsonEnumConverter(params (T Value, string Name)[] names) => _names = names;

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        foreach (var (value, name) in _names)
            if (reader.ValueTextEquals(name)) return value;
        throw new JsonException($"'{reader.GetString()}' is not a known {typeof(T).Name} value (expected one of: {string.Join(", ", _names.Select(n => n.Name))}).");
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        foreach (var (v, name) in _names)
        {
            if (EqualityComparer<T>.Default.Equals(v, value))
            {
                writer.WriteStringValue(name);
                return;
            }
        }
        throw new JsonException($"{typeof(T).Name}.{value} has no JetStream API name.");
    }
}
