using System.Globalization;
using System.Text.RegularExpressions;

namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>One scrape of a node's <c>/metrics</c>, in the Prometheus text format, with its samples read back.</summary>
public sealed partial class MetricsScrape
{
    public MetricsScrape(string text)
    {
        Text = text;
        Samples = text.Split('\n').Select(l => SampleLine().Match(l)).Where(m => m.Success)
            .Select(m => new Sample(m.Groups["name"].Value, Labels(m.Groups["labels"].Value),
                double.Parse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture)))
            .ToList();
    }

    public string Text { get; }

    public IReadOnlyList<Sample> Samples { get; }

    /// <summary>The samples of metric <paramref name="name"/> whose labels include every one of <paramref name="labels"/>.</summary>
    public IEnumerable<Sample> Of(string name, params (string Label, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Label) == l.Value));

    /// <summary>The sum of those samples; 0 when there are none.</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) => Of(name, labels).Sum(s => s.Value);

    public static async Task<MetricsScrape> FetchAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        response.EnsureSuccessStatusCode();
        return new MetricsScrape(await response.Content.ReadAsStringAsync());
    }

    private static Dictionary<string, string> Labels(string text) =>
        LabelPair().Matches(text).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value, StringComparer.Ordinal);

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
