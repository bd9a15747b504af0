using HarmonyLite.Engine.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace HarmonyLite.Host;

/// <summary>One log line per event on stderr, readable text or JSON as <c>[logging]</c> says; debug lines with <c>verbose</c>.</summary>
public static class HostLogging
{
    public static ILoggerFactory Create(LoggingConfig logging) => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(logging.Verbose ? LogLevel.Debug : LogLevel.Information);
        builder.AddFilter("HarmonyLite.Nats", logging.Verbose ? LogLevel.Debug : LogLevel.Warning);
        builder.AddConsole(options =>
        {
            options.LogToStandardErrorThreshold = LogLevel.Trace;
            options.FormatterName = logging.Format == LogFormat.Json ? ConsoleFormatterNames.Json : ConsoleFormatterNames.Simple;
        });
        if (logging.Format == LogFormat.Json)
        {
            builder.AddJsonConsole(options =>
            {
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                options.UseUtcTimestamp = true;
                options.IncludeScopes = false;
            });
        }
        else
        {
            builder.AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                options.UseUtcTimestamp = true;
                options.IncludeScopes = false;
                options.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }
    });
}
