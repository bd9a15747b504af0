using System.Text.Json;

namespace HarmonyLite.Engine.Configuration.Settings;

/// <summary>
/// A string. <paramref name="validate"/> returns a problem or null; <paramref name="secret"/> hides a set value
/// in printed configuration; <paramref name="url"/> hides the password or token of a URL.
/// </summary>
internal sealed partial class TextSettingType(Func<string, string?>? validate = null, bool secret = false, bool url = false) : SettingType<string>
{
    public override string Expectation => "a string";

    public override bool TryConvert(object toml, out string value, out string problem)
    {
        value = toml as string ?? "";
        problem = toml is string text ? validate?.Invoke(text) ?? "" : Mismatch(toml);
        return problem.Length == 0;
    }

    public override void Write(Utf8JsonWriter writer, string value) =>
        writer.WriteStringValue(secret ? SecretRedaction.Secret(value) : url ? SecretRedaction.Url(value) : value);
}
