using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace HarmonyLite.Engine.Configuration.Settings;

/// <summary>The kind of value a setting holds: how a TOML value becomes it, and how it prints in JSON.</summary>
internal abstract class SettingType<T>
{
    /// <summary>What a valid value looks like, for messages: "an integer from 1 to 1024".</summary>
    public abstract string Expectation { get; }

    /// <summary>Converts a TOML value; on failure <paramref name="problem"/> says what is wrong.</summary>
    public abstract bool TryConvert(object toml, [MaybeNullWhen(false)] out T value, out string problem);

    public abstract void Write(Utf8JsonWriter writer, T value);

    protected string Mismatch(object toml) => $"expected {Expectation}, got {TomlValueText.Show(toml)}";
}
