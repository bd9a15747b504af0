using System.Text.RegularExpressions;

namespace HarmonyLite.Module.Tests.Metadata;

/// <summary>Reads the list entries of HarmonyLite.psd1 (a PowerShell data file) that the tests check.</summary>
internal sealed partial class ModuleManifest(string text)
{
    public static ModuleManifest Load(string path) => new(File.ReadAllText(path));

    /// <summary>The quoted strings of <c>Key = @( ... )</c> or <c>Key = 'value'</c>.</summary>
    public IReadOnlyList<string> List(string key)
    {
        var match = Regex.Match(text, $@"^\s*{Regex.Escape(key)}\s*=\s*(@\((?<list>[^)]*)\)|(?<list>'[^']*'))", RegexOptions.Multiline);
        if (!match.Success) throw new InvalidOperationException($"The manifest has no {key} entry.");
        var body = StripComments().Replace(match.Groups["list"].Value, "");
        return QuotedString().Matches(body).Select(m => m.Groups[1].Value).ToList();
    }

    [GeneratedRegex("'((?:[^']|'')*)'")]
    private static partial Regex QuotedString();

    [GeneratedRegex("#[^\n]*")]
    private static partial Regex StripComments();
}
