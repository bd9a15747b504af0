namespace HarmonyLite.Engine.Configuration;

/// <summary>The values of <c>logging.format</c>.</summary>
public enum LogFormat
{
    /// <summary><c>"console"</c>: human-readable lines.</summary>
    Console,

    /// <summary><c>"json"</c>: one JSON object per line.</summary>
    Json,
}
