using System.Globalization;
using System.Text;
using System.Text.Json;
using HarmonyLite.Engine.Configuration;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Host.Logging;

/// <summary>Formats one event as one line: <c>2026-11-22T05:15:26.144Z INF node: message</c>, or one JSON object.</summary>
internal sealed class LineLogger : ILogger
{
    private readonly LineLoggerFactory _factory;
    private readonly string _category;
    private readonly string _shortCategory;
    private readonly LogLevel _minimum;

    public LineLogger(LineLoggerFactory factory, string category, LogLevel minimum)
    {
        _factory = factory;
        _category = category;
        _shortCategory = category[(category.LastIndexOf('.') + 1)..].ToLowerInvariant();
        _minimum = minimum;
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= _minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        var message = formatter(state, exception);
        var time = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        _factory.Write(_factory.Format == LogFormat.Json
            ? Json(time, logLevel, message, exception)
            : Text(time, logLevel, message, exception));
    }

    private string Text(string time, LogLevel level, string message, Exception? exception)
    {
        var line = new StringBuilder().Append(time).Append(' ').Append(Abbreviation(level)).Append(' ')
            .Append(_shortCategory).Append(": ").Append(message.ReplaceLineEndings(" | "));
        if (exception is not null)
        {
            line.Append(" (").Append(exception.GetType().Name).Append(": ").Append(exception.Message.ReplaceLineEndings(" | ")).Append(')');
            if (_factory.Verbose) line.Append(" | ").Append(exception.ToString().ReplaceLineEndings(" | "));
        }
        return line.ToString();
    }

    private string Json(string time, LogLevel level, string message, Exception? exception)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", time);
            json.WriteString("level", level.ToString().ToLowerInvariant());
            json.WriteString("category", _category);
            json.WriteString("message", message);
            if (exception is not null)
            {
                json.WriteString("error", exception.Message);
                json.WriteString("error_type", exception.GetType().FullName);
                if (_factory.Verbose) json.WriteString("stack", exception.ToString());
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Abbreviation(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRC",
        LogLevel.Debug => "DBG",
        LogLevel.Information => "INF",
        LogLevel.Warning => "WRN",
        LogLevel.Error => "ERR",
        LogLevel.Critical => "FTL",
        _ => "???",
    };
}
