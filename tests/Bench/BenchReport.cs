using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HarmonyLite.Bench;

/// <summary>
/// Prints figures as aligned lines (suite, measurement, value, unit, the goal beside it when there is one) and keeps
/// them all, with notes and the machine's load, for the JSON file a run writes at the end.
/// </summary>
public sealed class BenchReport
{
    private readonly TextWriter _out;
    private readonly JsonArray _figures = new();
    private readonly JsonArray _notes = new();

    public BenchReport(TextWriter output) => _out = output;

    public int MissedGoals { get; private set; }

    /// <summary>A figure measured once, without a goal (the in-process suites).</summary>
    public void Figure(string suite, string measurement, double value, string unit, string? note = null) =>
        Figure(suite, measurement, [value], unit, null, note);

    /// <summary>A figure measured in one or more runs: the median is printed, with the range when there were several runs.</summary>
    public void Figure(string suite, string measurement, IReadOnlyList<double> runs, string unit, BenchGoal? goal, string? note = null)
    {
        var median = BenchGoal.Median(runs);
        var range = runs.Count > 1 ? $" [{Number(runs.Min())}-{Number(runs.Max())}, {runs.Count} runs]" : "";
        var shown = $"{Number(median),14} {unit,-8}";
        if (goal is { IsBehaviour: true })
        {
            // A behaviour: how many runs showed it, not a median.
            shown = $"{$"held in {runs.Count(r => r >= 1)} of {runs.Count}",23}";
            range = "";
        }
        bool? met = goal is null || runs.Count == 0 ? null : goal.Met(runs);
        if (met == false) MissedGoals++;
        var verdict = goal is null ? "" : $"  goal {goal.Text}: {(met == true ? "met" : "MISSED")}";
        _out.WriteLine($"{suite,-16} {measurement,-64} {shown}{range}{verdict}{(note is null ? "" : "  " + note)}");
        _figures.Add(new JsonObject
        {
            ["suite"] = suite,
            ["figure"] = measurement,
            ["unit"] = unit,
            ["median"] = Json(median),
            ["min"] = runs.Count == 0 ? null : Json(runs.Min()),
            ["max"] = runs.Count == 0 ? null : Json(runs.Max()),
            ["runs"] = new JsonArray(runs.Select(r => (JsonNode?)Json(r)).ToArray()),
            ["goal"] = goal?.Text,
            ["goal_met"] = met,
            ["note"] = note,
        });
    }

    public void Note(string suite, string text)
    {
        _out.WriteLine($"{suite,-16} {text}");
        _notes.Add(new JsonObject { ["suite"] = suite, ["text"] = text, ["at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) });
    }

    /// <summary>The machine's load average now, as a note: the machine is shared, and a busy one slows every figure.</summary>
    public void Load(string suite, string when) => Note(suite, $"load average {when}: {LoadAverage()} (1, 5, 15 min; {Environment.ProcessorCount} processors)");

    public static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }

    /// <summary>Writes every figure and note with <paramref name="run"/> (what was run, on what) to <paramref name="path"/>.</summary>
    public async Task WriteJsonAsync(string path, JsonObject run, CancellationToken cancellationToken)
    {
        run["figures"] = _figures.DeepClone();
        run["notes"] = _notes.DeepClone();
        await WriteJsonFileAsync(path, run, cancellationToken);
    }

    /// <summary>Writes <paramref name="document"/> indented to <paramref name="path"/>, making its folder.</summary>
    public static async Task WriteJsonFileAsync(string path, JsonNode document, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
    }

    private static JsonNode? Json(double value) => double.IsFinite(value) ? JsonValue.Create(Math.Round(value, 4)) : null;

    private static string Number(double value) =>
        !double.IsFinite(value) ? "n/a" : value.ToString(Math.Abs(value) >= 100 ? "N0" : "N2", CultureInfo.InvariantCulture);
}
