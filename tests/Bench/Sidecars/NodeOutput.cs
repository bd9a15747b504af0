using System.Text.RegularExpressions;

namespace HarmonyLite.Bench.Sidecars;

/// <summary>
/// Everything a sidecar printed over all its starts, in order, kept in memory (to wait for a line, or quote the tail
/// as evidence) and in a file beside its directory (to read after a run that kept its files).
/// </summary>
public sealed partial class NodeOutput : IDisposable
{
    private readonly List<string> _lines = new();
    private readonly StreamWriter _file;
    private bool _closed;

    public NodeOutput(string path)
    {
        Path = path;
        _file = new StreamWriter(path, append: true) { AutoFlush = true };
    }

    public string Path { get; }

    /// <summary>A position to read from: lines appended later have an index at or after it.</summary>
    public int Mark()
    {
        lock (_lines) return _lines.Count;
    }

    public void Append(string line)
    {
        lock (_lines)
        {
            _lines.Add(line);
            if (!_closed) _file.WriteLine(line);
        }
    }

    public IReadOnlyList<string> LinesSince(int mark)
    {
        lock (_lines) return _lines.Skip(mark).ToList();
    }

    /// <summary>The last <paramref name="count"/> lines that pass <paramref name="filter"/>, indented for a report.</summary>
    public string Tail(int count, Func<string, bool>? filter = null)
    {
        lock (_lines)
        {
            var lines = filter is null ? _lines : _lines.Where(filter).ToList();
            return string.Join('\n', lines.Skip(Math.Max(0, lines.Count - count)).Select(l => "      " + l));
        }
    }

    /// <summary>
    /// Whether the line came from the embedded nats-server rather than from the node itself: relayed by the node's logger,
    /// or nats-server's own "[pid] 2026/12/02 19:43:31.613658 [WRN] ..." lines quoted in a message the node printed.
    /// </summary>
    public static bool IsNatsServerLine(string line) =>
        line.Contains("natsserveroutput", StringComparison.OrdinalIgnoreCase) || NatsServerOwnLine().IsMatch(line);

    [GeneratedRegex(@"^\s*\[\d+\] \d{4}/\d\d/\d\d ")]
    private static partial Regex NatsServerOwnLine();

    public void Dispose()
    {
        lock (_lines)
        {
            _closed = true;
            _file.Dispose();
        }
    }
}
