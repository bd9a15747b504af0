using System.Text.Json;

namespace HarmonyLite.Engine.Configuration.Settings;

/// <summary>One key of the configuration file: its dotted name, how to set it, and how to print it.</summary>
internal abstract class ConfigurationSetting(string key)
{
    /// <summary>The dotted TOML key, e.g. <c>snapshot.nats.replicas</c>.</summary>
    public string Key { get; } = key;

    /// <summary>Sets the value from TOML; on failure <paramref name="problem"/> says what is wrong.</summary>
    public abstract bool TryApply(ref HarmonyConfig config, object toml, out string problem);

    public abstract void WriteValue(HarmonyConfig config, Utf8JsonWriter writer);
}
