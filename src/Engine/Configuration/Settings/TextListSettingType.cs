using System.Text.Json;
using HarmonyLite.Engine.Configuration.Toml;

namespace HarmonyLite.Engine.Configuration.Settings;

/// <summary>An array of strings, each checked by <paramref name="validateItem"/> (a problem, or null).</summary>
internal sealed class TextListSettingType(Func<string, string?> validateItem) : SettingType<IReadOnlyList<string>>
{
    public override string Expectation => "an array of strings";

    public override bool TryConvert(object toml, out IReadOnlyList<string> value, out string problem)
    {
        value = [];
        if (toml is not TomlArray array)
        {
            problem = Mismatch(toml);
            return false;
        }
        var items = new List<string>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            var itemProblem = array[i] is string item ? validateItem(item) : $"expected a string, got {TomlValueText.Show(array[i])}";
            if (itemProblem is not null)
            {
                problem = $"element {i + 1}: {itemProblem}";
                return false;
            }
            items.Add((string)array[i]);
        }
        value = items;
        problem = "";
        return true;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value)
    {
        writer.WriteStartArray();
        foreach (var item in value)
        {
            writer.WriteStringValue(SecretRedaction.Url(item));
        }
        writer.WriteEndArray();
    }
}
