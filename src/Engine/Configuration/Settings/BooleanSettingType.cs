using System.Text.Json;

namespace HarmonyLite.Engine.Configuration.Settings;

internal sealed class BooleanSettingType : SettingType<bool>
{
    public override string Expectation => "true or false";

    public override bool TryConvert(object toml, out bool value, out string problem)
    {
        value = toml is true;
        problem = toml is bool ? "" : Mismatch(toml);
        return toml is bool;
    }

    public override void Write(Utf8JsonWriter writer, bool value) => writer.WriteBooleanValue(value);
}
