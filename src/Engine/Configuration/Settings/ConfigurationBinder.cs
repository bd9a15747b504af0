using HarmonyLite.Engine.Configuration.Toml;

namespace HarmonyLite.Engine.Configuration.Settings;

/// <summary>
/// Applies a parsed TOML document to the defaults, key by key in file order. A bad value is a
/// <see cref="ConfigurationException"/> naming its line; an unknown key becomes a warning.
/// </summary>
internal sealed class ConfigurationBinder(string origin)
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);
    private readonly List<ConfigurationWarning> _warnings = [];

    public IReadOnlyList<ConfigurationWarning> Warnings => _warnings;

    public HarmonyConfig Bind(TomlTable document)
    {
        var config = new HarmonyConfig();
        Bind(document, [], ref config);
        return config;
    }

    /// <summary>The line a key (or table) was written on, if it was.</summary>
    public int? LineOf(string key) => _lines.TryGetValue(key, out var line) ? line : null;

    private void Bind(TomlTable table, IReadOnlyList<string> path, ref HarmonyConfig config)
    {
        foreach (var (name, value, line) in table.Entries)
        {
            string[] keyPath = [.. path, name];
            var key = string.Join('.', keyPath);
            // A quoted key holding a dot is never one of ours, even if its text matches a dotted key.
            var exact = !name.Contains('.');
            if (exact && ConfigurationSchema.TryGetSetting(key, out var setting))
            {
                _lines[key] = line;
                if (!setting.TryApply(ref config, value, out var problem))
                {
                    throw new ConfigurationException(origin, line, key, problem);
                }
            }
            else if (exact && ConfigurationSchema.Tables.Contains(key))
            {
                if (value is not TomlTable nested)
                {
                    throw new ConfigurationException(origin, line, key, $"expected a table, got {TomlValueText.Show(value)}");
                }
                _lines[key] = line;
                Bind(nested, keyPath, ref config);
            }
            else
            {
                _warnings.Add(Unknown(key, value, line));
            }
        }
    }

    private ConfigurationWarning Unknown(string key, object value, int line)
    {
        var what = value is TomlTable ? "table" : "key";
        var suggestion = KeySuggester.Suggest(key);
        var message = $"unknown {what} '{key}' is ignored" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?");
        return new ConfigurationWarning(origin, line, key, message);
    }
}
