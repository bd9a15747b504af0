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
    /// <remarks>
    /// A few lines are expected while a cluster forms and would otherwise fill the log: the failed health checks are
    /// the answers to the node's own readiness polling (Debug), and a route to a peer that is not up yet is a
    /// warning, not an error (nats-server keeps retrying, and says so for every attempt).
    /// </remarks>
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
        var message = match.Groups["message"].Value;
        return new NatsServerLogLine(Reweigh(level, message), message);
    }

    private static LogLevel Reweigh(LogLevel level, string message) => message switch
    {
        _ when message.StartsWith("Healthcheck failed", StringComparison.Ordinal) => LogLevel.Debug,
        _ when message.StartsWith("Waiting for routing to be established", StringComparison.Ordinal) => LogLevel.Debug,
        _ when message.StartsWith("Error trying to connect to route", StringComparison.Ordinal) && level > LogLevel.Warning => LogLevel.Warning,
        _ => level,
    };
}
