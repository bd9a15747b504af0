using System.Text.RegularExpressions;

namespace HarmonyLite.PowerShell.Nodes;

/// <summary>nats-server's output shortened for a message: its last few distinct lines, a repeated line shown once with its count.</summary>
internal static partial class NatsServerOutput
{
    private const int MaxLines = 5;

    public static string Summarize(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var distinct = new List<(string Line, string Text, int Count)>();
        foreach (var line in lines)
        {
            var text = Prefix().Replace(line, "");
            if (distinct.Count > 0 && distinct[^1].Text == text) distinct[^1] = (line, text, distinct[^1].Count + 1);
            else distinct.Add((line, text, 1));
        }
        return string.Join(Environment.NewLine, distinct.TakeLast(MaxLines).Select(d =>
            d.Count == 1 ? "  " + d.Line : $"  {d.Line} (and {d.Count - 1} more like it)"));
    }

    // "[1234] 2024/01/02 03:04:05.678901 " or "2024/01/02 03:04:05.678901 ": what differs between two repeats of a line.
    [GeneratedRegex(@"^(\[\d+\]\s*)?\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(\.\d+)?\s*")]
    private static partial Regex Prefix();
}
