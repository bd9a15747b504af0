namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>
/// Everything a node process wrote on stdout and stderr, across restarts, kept for waits ("has it logged X yet?")
/// and for failure messages. Thread-safe: the process's output callbacks append while tests read.
/// </summary>
public sealed class NodeLog
{
    // Enough for any test here; the oldest lines go first so a runaway log cannot exhaust memory.
    private const int MaxLines = 200_000;

    private readonly List<string> _lines = new();
    private long _dropped;

    public void Append(string line)
    {
        lock (_lines)
        {
            if (_lines.Count == MaxLines)
            {
                _lines.RemoveRange(0, MaxLines / 10);
                _dropped += MaxLines / 10;
            }
            _lines.Add(line);
        }
    }

    /// <summary>A position in the log; lines appended later have a greater one. Used to look only at lines after an event.</summary>
    public long Mark()
    {
        lock (_lines) return _dropped + _lines.Count;
    }

    /// <summary>The lines appended since <paramref name="mark"/> (all kept lines when it is 0).</summary>
    public IReadOnlyList<string> LinesSince(long mark = 0)
    {
        lock (_lines)
        {
            var start = (int)Math.Max(0, mark - _dropped);
            return start >= _lines.Count ? [] : _lines.GetRange(start, _lines.Count - start);
        }
    }

    public bool Contains(string text, long since = 0) => LinesSince(since).Any(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>The last <paramref name="count"/> lines (of those <paramref name="where"/> picks), one per line, for failure messages.</summary>
    public string Tail(int count = 20, Func<string, bool>? where = null)
    {
        lock (_lines)
        {
            var picked = where is null ? _lines : _lines.Where(where).ToList();
            var start = Math.Max(0, picked.Count - count);
            return string.Join(Environment.NewLine, picked.Skip(start).Select(l => "    | " + l));
        }
    }
}
