namespace HarmonyLite.Engine.Configuration;

/// <summary>The <c>[health_check]</c> table: the HTTP health endpoint, for Kubernetes probes and <c>curl -f</c>.</summary>
public sealed record HealthCheckConfig
{
    public bool Enable { get; init; }

    /// <summary>Where the endpoint listens; an empty host or 0.0.0.0 is every interface, as in Go HarmonyLite.</summary>
    public HostPort Bind { get; init; } = new(HostPort.AllInterfaces, 8090);

    /// <summary>The URL path that answers; every other path is 404.</summary>
    public string Path { get; init; } = "/health";

    /// <summary>Answer with a JSON report (true) or with the status word alone.</summary>
    public bool Detailed { get; init; } = true;
}
