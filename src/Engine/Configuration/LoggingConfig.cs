namespace HarmonyLite.Engine.Configuration;

/// <summary>The <c>[logging]</c> table.</summary>
public sealed record LoggingConfig
{
    /// <summary><c>verbose</c>: log debug messages too.</summary>
    public bool Verbose { get; init; }

    /// <summary><c>format</c>: <c>"console"</c> or <c>"json"</c>.</summary>
    public LogFormat Format { get; init; } = LogFormat.Console;
}
