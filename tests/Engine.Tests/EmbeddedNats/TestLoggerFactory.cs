using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace HarmonyLite.Engine.Tests.EmbeddedNats;

/// <summary>A logger factory for tests: keeps every entry for assertions and echoes it to the test output.</summary>
internal sealed class TestLoggerFactory : ILoggerFactory
{
    private readonly ITestOutputHelper? _output;
    private readonly List<LogEntry> _entries = new();

    public TestLoggerFactory(ITestOutputHelper? output = null) => _output = output;

    public IReadOnlyList<LogEntry> Entries
    {
        get { lock (_entries) return _entries.ToList(); }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("The test logger factory writes to the test output only.");

    public void Dispose()
    {
    }

    private void Add(LogEntry entry)
    {
        lock (_entries) _entries.Add(entry);
        try
        {
            _output?.WriteLine($"{entry.Level} {entry.Category}: {entry.Message}{(entry.Exception is null ? "" : " " + entry.Exception)}");
        }
        catch (InvalidOperationException)
        {
            // Background work logging after its test finished: the entry is still recorded.
        }
    }

    internal sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception);

    private sealed class Logger(TestLoggerFactory factory, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            factory.Add(new LogEntry(category, logLevel, formatter(state, exception), exception));
    }
}
