using System.Globalization;
using System.Text.Json;
using HarmonyLite.Engine.Configuration.Toml;

namespace HarmonyLite.Engine.Configuration.Settings;

/// <summary>Shows a TOML value in a message the way it was written: strings quoted, numbers plain.</summary>
internal static class TomlValueText
{
    public static string Show(object value) => value switch
    {
        string text => JsonSerializer.Serialize(text),
        long number => number.ToString(CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        DateTimeOffset dateTime => dateTime.ToString("O", CultureInfo.InvariantCulture),
        TomlArray => "an array",
        TomlTable => "a table",
        _ => value.ToString() ?? "",
    };
}
