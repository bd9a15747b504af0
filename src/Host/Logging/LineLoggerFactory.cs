using HarmonyLite.Engine.Configuration;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Host.Logging;

/// <summary>
/// The sidecar's logging: one line per event on a writer (stderr), readable text or JSON as
/// <c>[logging] format</c> says; debug lines only with <c>verbose</c>. The NATS client's own lines (NATS.Net logs
/// every failed reconnect attempt) appear only with <c>verbose</c>: the engine reports connects, disconnects and
/// failures in its own words.
/// </summary>
public sealed class LineLoggerFactory : ILoggerFactory
{
    private readonly object _gate = new();

    public LineLoggerFactory(LoggingConfig logging, TextWriter output)
    {
        Output = output;
        Format = logging.Format;
        Verbose = logging.Verbose;
    }

    internal TextWriter Output { get; }
    internal LogFormat Format { get; }
    internal bool Verbose { get; }

    public ILogger CreateLogger(string categoryName)
    {
        var minimum = Verbose ? LogLevel.Debug
            : categoryName.StartsWith("NATS.", StringComparison.Ordinal) ? LogLevel.None
            : LogLevel.Information;
        return new LineLogger(this, categoryName, minimum);
    }

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("The harmonylite sidecar writes its own log lines; providers cannot be added.");

    internal void Write(string line)
    {
        lock (_gate)
        {
            Output.WriteLine(line);
            Output.Flush();
        }
    }

    public void Dispose() => Output.Flush();
}
