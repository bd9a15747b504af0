using System.Text.Json;
using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream.Serialization;

/// <summary>JetStream durations are Go <c>time.Duration</c> values: integer nanoseconds.</summary>
internal sealed class NanosecondsConverter : JsonConverter<TimeSpan>
{
    private const long NanosecondsPerTick = 100;

    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var nanos = reader.GetInt64();
        return TimeSpan.FromTicks(nanos / NanosecondsPerTick);
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(ToNanoseconds(value));

    public static long ToNanoseconds(TimeSpan value) =>
        value.Ticks > long.MaxValue / NanosecondsPerTick ? long.MaxValue : value.Ticks * NanosecondsPerTick;
}
