using System.Globalization;
using System.Text.Json;
using HarmonyLite.Engine.Configuration.Toml;

namespace HarmonyLite.Engine.Configuration.Settings;

/// <summary>Shows a TOML value in a message the way it was written: strings quoted, numbers plain.</summary>
internal static class TomlValueText
{
    // Messages are read by people: '<', '>' and non-ASCII stay as they are.
    private static readonly JsonSerializerOptions Quoting = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Show(object value) => value switch
    {
        string text => JsonSerializer.Serialize(text, Quoting),
        long number => number.ToString(CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        TomlArray => "an array",
        TomlTable => "a table",
        _ => value.ToString() ?? "",
    };
}
