using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>One line nats-server wrote, split into the level it tagged and the message.</summary>
internal readonly partial record struct NatsServerLogLine(LogLevel Level, string Message)
{
    // "[1234] 2024/01/31 12:34:56.789012 [INF] Server is ready"
    [GeneratedRegex(@"^\[\d+\]\s+\S+\s+\S+\s+\[(?<level>[A-Z]{3})\]\s?(?<message>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex LinePattern();

    /// <summary>
    /// Informational, debug and trace lines become Debug: they are the server's chatter, not the
    /// node's. Warnings, errors and fatal lines keep their weight. Untagged lines count as Debug.
    /// </summary>
    public static NatsServerLogLine Parse(string line)
    {
        var match = LinePattern().Match(line);
        if (!match.Success) return new NatsServerLogLine(LogLevel.Debug, line);
        var level = match.Groups["level"].Value switch
        {
            "TRC" => LogLevel.Trace,
            "WRN" => LogLevel.Warning,
            "ERR" => LogLevel.Error,
            "FTL" => LogLevel.Critical,
            _ => LogLevel.Debug,
        };
        return new NatsServerLogLine(level, match.Groups["message"].Value);
    }
}
