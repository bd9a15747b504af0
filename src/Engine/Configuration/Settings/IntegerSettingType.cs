using System.Text.Json;

namespace HarmonyLite.Engine.Configuration.Settings;

internal sealed class IntegerSettingType(long minimum, long maximum) : SettingType<long>
{
    public override string Expectation => $"an integer from {minimum} to {maximum}";

    public override bool TryConvert(object toml, out long value, out string problem)
    {
        value = toml is long number ? number : 0;
        var valid = toml is long && value >= minimum && value <= maximum;
        problem = valid ? "" : Mismatch(toml);
        return valid;
    }

    public override void Write(Utf8JsonWriter writer, long value) => writer.WriteNumberValue(value);
}
