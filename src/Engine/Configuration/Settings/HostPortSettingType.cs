using System.Text.Json;

namespace HarmonyLite.Engine.Configuration.Settings;

internal sealed class HostPortSettingType : SettingType<HostPort>
{
    public override string Expectation => "a string host:port";

    public override bool TryConvert(object toml, out HostPort value, out string problem)
    {
        value = default;
        if (toml is not string text)
        {
            problem = Mismatch(toml);
            return false;
        }
        var parsed = HostPort.TryParse(text, out var parseProblem);
        problem = parsed is null ? $"{TomlValueText.Show(toml)}: {parseProblem}" : "";
        value = parsed.GetValueOrDefault();
        return parsed is not null;
    }

    public override void Write(Utf8JsonWriter writer, HostPort value) => writer.WriteStringValue(value.ToString());
}
