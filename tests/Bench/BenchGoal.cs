using System.Globalization;

namespace HarmonyLite.Bench;

/// <summary>A goal from issue 15's table, printed beside a figure: a bound on the median, or a behaviour every run must show.</summary>
public sealed record BenchGoal(string Text, Func<IReadOnlyList<double>, bool> Met, bool IsBehaviour = false)
{
    public static BenchGoal AtMost(double bound, string unit) =>
        new($"<= {Format(bound)} {unit}", runs => Median(runs) <= bound);

    public static BenchGoal AtLeast(double bound, string unit) =>
        new($">= {Format(bound)} {unit}", runs => Median(runs) >= bound);

    /// <summary>A behaviour: each run's value is 1 when it held and 0 when not; met when it held in every run.</summary>
    public static BenchGoal Holds(string what) => new($"holds: {what}", runs => runs.Count > 0 && runs.All(r => r >= 1), IsBehaviour: true);

    public static double Median(IReadOnlyList<double> runs)
    {
        if (runs.Count == 0) return double.NaN;
        var sorted = runs.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Format(double value) => value.ToString(value >= 1000 ? "N0" : "0.##", CultureInfo.InvariantCulture);
}
