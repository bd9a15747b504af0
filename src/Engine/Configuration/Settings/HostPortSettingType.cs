using System.Text.Json;

namespace HarmonyLite.Engine.Configuration.Settings;

/// <summary><c>host:port</c>; <paramref name="validate"/> returns a problem of a parsed address, or null.</summary>
internal sealed class HostPortSettingType(Func<HostPort, string?>? validate = null) : SettingType<HostPort>
{
    /// <summary>An HTTP listener needs a real port: nobody could find one picked at random.</summary>
    public static readonly HostPortSettingType HttpListen = new(address => HttpListenProblem(address));

    /// <summary>The problem of <paramref name="address"/> as an HTTP listen address, or null.</summary>
    public static string? HttpListenProblem(HostPort address) =>
        address.Port is < 1 ? $"\"{address}\": the port must be a number from 1 to 65535" : null;

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
        problem = parsed is null ? $"{TomlValueText.Show(toml)}: {parseProblem}" : validate?.Invoke(parsed.Value) ?? "";
        value = parsed.GetValueOrDefault();
        return problem.Length == 0;
    }

    public override void Write(Utf8JsonWriter writer, HostPort value) => writer.WriteStringValue(value.ToString());
}
