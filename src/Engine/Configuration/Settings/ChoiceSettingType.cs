using System.Text.Json;

namespace HarmonyLite.Engine.Configuration.Settings;

/// <summary>One of a fixed set of strings, each standing for an enum value.</summary>
internal sealed class ChoiceSettingType<TEnum>(params (string Name, TEnum Value)[] choices) : SettingType<TEnum>
    where TEnum : struct, Enum
{
    public override string Expectation => "one of " + string.Join(", ", choices.Select(c => $"\"{c.Name}\""));

    public override bool TryConvert(object toml, out TEnum value, out string problem)
    {
        foreach (var choice in choices)
        {
            if (toml is string text && text == choice.Name)
            {
                value = choice.Value;
                problem = "";
                return true;
            }
        }
        value = default;
        problem = Mismatch(toml);
        return false;
    }

    public override void Write(Utf8JsonWriter writer, TEnum value) => writer.WriteStringValue(NameOf(value));

    public string NameOf(TEnum value) => choices.First(c => EqualityComparer<TEnum>.Default.Equals(c.Value, value)).Name;
}
