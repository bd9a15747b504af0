namespace HarmonyLite.PowerShell.Isolated.Logging;

/// <summary>The severity of an engine log record (the engine's logging levels, without a dependency on them).</summary>
public enum HarmonyLogLevel
{
    Trace,
    Debug,
    Information,
    Warning,
    Error,
    Critical,
}
