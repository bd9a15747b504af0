namespace HarmonyLite.Engine.Configuration;

/// <summary>The <c>[prometheus]</c> table; this version has no Prometheus endpoint, so <c>enable = true</c> is refused.</summary>
public sealed record PrometheusConfig
{
    public bool Enable { get; init; }

    public string Bind { get; init; } = ":3010";

    public string Namespace { get; init; } = "harmonylite";

    public string Subsystem { get; init; } = "";
}
