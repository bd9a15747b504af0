namespace HarmonyLite.Engine.Configuration;

/// <summary>The <c>[prometheus]</c> table: <c>/metrics</c> in the Prometheus text format.</summary>
public sealed record PrometheusConfig
{
    public bool Enable { get; init; }

    /// <summary>Where <c>/metrics</c> listens; Go's default <c>:3010</c> is every interface.</summary>
    public HostPort Bind { get; init; } = new("", 3010);

    /// <summary>The first part of every metric name (<c>harmonylite_...</c>); empty leaves it out.</summary>
    public string Namespace { get; init; } = "harmonylite";

    /// <summary>A part between the namespace and the name; empty (the default) leaves it out.</summary>
    public string Subsystem { get; init; } = "";
}
