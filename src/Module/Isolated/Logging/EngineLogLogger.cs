using Microsoft.Extensions.Logging;

namespace HarmonyLite.PowerShell.Isolated.Logging;

/// <summary>An engine logger for one category, writing formatted records into an <see cref="EngineLog"/>.</summary>
internal sealed class EngineLogLogger(string category, EngineLog log) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && log.IsEnabled(ToHarmonyLevel(logLevel));

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        log.Write(new HarmonyLogRecord(DateTimeOffset.Now, ToHarmonyLevel(logLevel), category, formatter(state, exception), exception));
    }

    internal static HarmonyLogLevel ToHarmonyLevel(LogLevel level) => level switch
    {
        LogLevel.Trace => HarmonyLogLevel.Trace,
        LogLevel.Debug => HarmonyLogLevel.Debug,
        LogLevel.Information => HarmonyLogLevel.Information,
        LogLevel.Warning => HarmonyLogLevel.Warning,
        LogLevel.Error => HarmonyLogLevel.Error,
        LogLevel.Critical => HarmonyLogLevel.Critical,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "LogLevel.None is not a level a record can have."),
    };
}
