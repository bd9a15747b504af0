using System.Text.Json;

namespace HarmonyLite.Engine.Configuration.Settings;

/// <summary>
/// A string. <paramref name="validate"/> returns a problem or null; <paramref name="secret"/> hides a set value
/// in printed configuration; <paramref name="url"/> hides the password part of a URL.
/// </summary>
internal sealed partial class TextSettingType(Func<string, string?>? validate = null, bool secret = false, bool url = false) : SettingType<string>
{
    public const string Redacted = "<redacted>";

    public override string Expectation => "a string";

    public override bool TryConvert(object toml, out string value, out string problem)
    {
        value = toml as string ?? "";
        problem = toml is string text ? validate?.Invoke(text) ?? "" : Mismatch(toml);
        return problem.Length == 0;
    }

    public override void Write(Utf8JsonWriter writer, string value) =>
        writer.WriteStringValue(secret && value.Length > 0 ? Redacted : url ? WithoutPassword(value) : value);

    /// <summary>
    /// Replaces the password in <c>scheme://user:password@host</c>, and in a <c>secret</c> query parameter (how WebDAV
    /// URLs carry it), so printed settings do not leak it.
    /// </summary>
    public static string WithoutPassword(string text)
    {
        text = SecretParameter().Replace(text, Redacted);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !uri.UserInfo.Contains(':'))
        {
            return text;
        }
        var user = uri.UserInfo[..uri.UserInfo.IndexOf(':')];
        return new UriBuilder(uri) { UserName = user, Password = Redacted }.Uri.ToString();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=[?&]secret=)[^&#]+")]
    private static partial System.Text.RegularExpressions.Regex SecretParameter();
}
