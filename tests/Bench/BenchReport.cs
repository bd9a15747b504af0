namespace HarmonyLite.Bench;

/// <summary>Prints figures as aligned lines: suite, measurement, value, unit.</summary>
public sealed class BenchReport
{
    private readonly TextWriter _out;

    public BenchReport(TextWriter output) => _out = output;

    public void Figure(string suite, string measurement, double value, string unit, string? note = null) =>
        _out.WriteLine($"{suite,-10} {measurement,-58} {value,14:N1} {unit,-8}{(note is null ? "" : "  " + note)}");

    public void Note(string suite, string text) => _out.WriteLine($"{suite,-10} {text}");
}
