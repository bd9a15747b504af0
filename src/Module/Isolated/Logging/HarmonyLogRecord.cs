namespace HarmonyLite.PowerShell.Isolated.Logging;

/// <summary>One message the engine logged while working for this PowerShell session.</summary>
/// <param name="Timestamp">When it was logged.</param>
/// <param name="Level">Its severity.</param>
/// <param name="Category">The engine component that logged it (a type name).</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Exception">The error it reports, when there is one.</param>
public sealed record HarmonyLogRecord(DateTimeOffset Timestamp, HarmonyLogLevel Level, string Category, string Message, Exception? Exception)
{
    /// <summary>The message, followed by the error's message when the record carries one the message does not already include.</summary>
    public string Text => Exception is null || Message.Contains(Exception.Message, StringComparison.Ordinal)
        ? Message
        : $"{Message}: {Exception.Message}";

    public override string ToString() => $"{Timestamp:yyyy-MM-dd HH:mm:ss.fff} {Level} {Category}: {Text}";
}
