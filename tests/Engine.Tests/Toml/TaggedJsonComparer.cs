using System.Globalization;
using System.Text.Json;
using HarmonyLite.Engine.Configuration.Toml;
using Tomlyn;

namespace HarmonyLite.Engine.Tests.Toml;

/// <summary>
/// Compares a parsed TOML document with toml-test's tagged JSON, where every leaf is
/// <c>{"type": T, "value": "text"}</c>. Returns the first difference, or null when equal.
/// </summary>
internal static class TaggedJsonComparer
{
    public static string? Difference(object actual, JsonElement expected, string path = "")
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object when IsLeaf(expected):
                return LeafDifference(actual, expected.GetProperty("type").GetString()!, expected.GetProperty("value").GetString()!, path);
            case JsonValueKind.Object:
                return TableDifference(actual, expected, path);
            case JsonValueKind.Array:
                return ArrayDifference(actual, expected, path);
            default:
                return $"{Show(path)}: the expected JSON has a bare {expected.ValueKind}, which tagged JSON never has";
        }
    }

    private static bool IsLeaf(JsonElement element) =>
        element.EnumerateObject().Count() == 2
        && element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
        && element.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String;

    private static string? TableDifference(object actual, JsonElement expected, string path)
    {
        if (actual is not TomlTable table)
        {
            return $"{Show(path)}: expected a table, got {Describe(actual)}";
        }
        var expectedKeys = expected.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var missing = expectedKeys.Where(k => !table.ContainsKey(k)).ToList();
        var extra = table.Keys.Where(k => !expectedKeys.Contains(k)).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            return $"{Show(path)}: keys differ; missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", extra)}]";
        }
        foreach (var property in expected.EnumerateObject())
        {
            var difference = Difference(table[property.Name], property.Value, $"{path}.{property.Name}");
            if (difference is not null)
            {
                return difference;
            }
        }
        return null;
    }

    private static string? ArrayDifference(object actual, JsonElement expected, string path)
    {
        if (actual is not TomlArray array)
        {
            return $"{Show(path)}: expected an array, got {Describe(actual)}";
        }
        if (array.Count != expected.GetArrayLength())
        {
            return $"{Show(path)}: expected {expected.GetArrayLength()} elements, got {array.Count}";
        }
        var index = 0;
        foreach (var element in expected.EnumerateArray())
        {
            var difference = Difference(array[index], element, $"{path}[{index}]");
            if (difference is not null)
            {
                return difference;
            }
            index++;
        }
        return null;
    }

    private static string? LeafDifference(object actual, string type, string value, string path)
    {
        var equal = type switch
        {
            "string" => actual is string s && s == value,
            "integer" => actual is long l && l == long.Parse(value, CultureInfo.InvariantCulture),
            "float" => actual is double d && FloatEquals(d, value),
            "bool" => actual is bool b && (b ? "true" : "false") == value,
            "datetime" => actual is TomlDateTime { Kind: TomlDateTimeKind.OffsetDateTimeByZ or TomlDateTimeKind.OffsetDateTimeByNumber } o
                && OffsetDateTimeEquals(o.DateTime, value),
            "datetime-local" => actual is TomlDateTime { Kind: TomlDateTimeKind.LocalDateTime } dt
                && dt.DateTime.DateTime == DateTime.Parse(Ticks(value), CultureInfo.InvariantCulture),
            "date-local" => actual is TomlDateTime { Kind: TomlDateTimeKind.LocalDate } date
                && DateOnly.FromDateTime(date.DateTime.DateTime) == DateOnly.Parse(value, CultureInfo.InvariantCulture),
            "time-local" => actual is TomlDateTime { Kind: TomlDateTimeKind.LocalTime } time
                && time.DateTime.TimeOfDay == TimeSpan.Parse(Ticks(value), CultureInfo.InvariantCulture),
            _ => false,
        };
        return equal ? null : $"{Show(path)}: expected {type} {value}, got {Describe(actual)}";
    }

    private static bool FloatEquals(double actual, string expected) => expected switch
    {
        "nan" or "+nan" or "-nan" => double.IsNaN(actual),
        "inf" or "+inf" => double.IsPositiveInfinity(actual),
        "-inf" => double.IsNegativeInfinity(actual),
        _ => actual.Equals(double.Parse(expected, NumberStyles.Float, CultureInfo.InvariantCulture)),
    };

    /// <summary>The text with its fraction of a second cut to the 100 ns that .NET holds.</summary>
    private static string Ticks(string value)
    {
        var dot = value.IndexOf('.');
        if (dot < 0)
        {
            return value;
        }

        var end = dot + 1;
        while (end < value.Length && char.IsAsciiDigit(value[end]))
        {
            end++;
        }

        return value[..Math.Min(end, dot + 8)] + value[end..];
    }

    /// <summary>The same instant and the same offset; "Z" and "+00:00", or trailing fraction zeros, may differ in text.</summary>
    private static bool OffsetDateTimeEquals(DateTimeOffset actual, string expected)
    {
        var parsed = DateTimeOffset.Parse(Ticks(expected), CultureInfo.InvariantCulture, DateTimeStyles.None);
        return actual.UtcTicks == parsed.UtcTicks && actual.Offset == parsed.Offset;
    }

    private static string Describe(object value) => value switch
    {
        TomlDateTime o => $"{o.Kind} {o}",
        double d => $"{nameof(Double)} {d.ToString("R", CultureInfo.InvariantCulture)}",
        _ => $"{value.GetType().Name} {value}",
    };

    private static string Show(string path) => path.Length == 0 ? "(document)" : path.TrimStart('.');
}
