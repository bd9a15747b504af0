using System.Text.Json;

namespace HarmonyLite.Engine.Configuration.Settings;

/// <summary>A setting whose value is read and written through <paramref name="get"/> and <paramref name="set"/>.</summary>
internal sealed class TypedConfigurationSetting<T>(
    string key,
    SettingType<T> type,
    Func<HarmonyConfig, T> get,
    Func<HarmonyConfig, T, HarmonyConfig> set) : ConfigurationSetting(key)
{
    public override bool TryApply(ref HarmonyConfig config, object toml, out string problem)
    {
        if (!type.TryConvert(toml, out var value, out problem))
        {
            return false;
        }
        config = set(config, value);
        return true;
    }

    public override void WriteValue(HarmonyConfig config, Utf8JsonWriter writer) => type.Write(writer, get(config));
}
