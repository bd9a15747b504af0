using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream.Serialization;

/// <summary>
/// Go's RFC 3339 time with up to nine fraction digits ("2024-01-02T03:04:05.123456789Z"); .NET keeps seven,
/// so the extra digits are dropped. Go's zero time ("0001-01-01T00:00:00Z") maps to <see cref="DateTimeOffset.MinValue"/>.
/// </summary>
internal sealed class Rfc3339TimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString() ?? throw new JsonException("Expected an RFC 3339 time, got null.");
        return Parse(text);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text)
    {
        var normalized = TrimFraction(text);
        if (DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value))
            return value;
        throw new JsonException($"'{text}' is not an RFC 3339 time.");
    }

    private static string TrimFraction(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0) return text;
        var end = dot + 1;
        while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
        var digits = end - dot - 1;
        return digits <= 7 ? text : string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
    }
}
