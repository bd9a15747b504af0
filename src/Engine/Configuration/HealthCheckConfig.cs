namespace HarmonyLite.Engine.Configuration;

/// <summary>The <c>[health_check]</c> table; this version has no HTTP health endpoint, so <c>enable = true</c> is refused.</summary>
public sealed record HealthCheckConfig
{
    public bool Enable { get; init; }

    public string Bind { get; init; } = "0.0.0.0:8090";

    public string Path { get; init; } = "/health";

    public bool Detailed { get; init; } = true;
}
