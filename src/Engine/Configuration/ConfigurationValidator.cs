namespace HarmonyLite.Engine.Configuration;

/// <summary>
/// Checks that span several keys, and settings this version parses but cannot honour: those are refused
/// with the reason, never silently ignored.
/// </summary>
internal static class ConfigurationValidator
{
    public static void Validate(HarmonyConfig config, string origin, Func<string, int?> lineOf)
    {
        var store = config.Snapshot.Store;
        if (Snapshots.Stores.RemoteSnapshotStores.IsRemote(store) && Snapshots.Stores.RemoteSnapshotStores.FindProblem(config.Snapshot) is { } bad)
        {
            throw new ConfigurationException(origin, lineOf(bad.Key) ?? lineOf("snapshot.store"), bad.Key, bad.Problem);
        }
        if (store == SnapshotStoreKind.File && config.Snapshot.File.Path.Length == 0)
        {
            throw new ConfigurationException(origin, lineOf("snapshot.file.path") ?? lineOf("snapshot.store"), "snapshot.file.path",
                "required when snapshot.store = \"file\"; set the directory snapshots are saved in");
        }
        var (metrics, health) = (config.Prometheus, config.HealthCheck);
        if (metrics.Enable && health.Enable && metrics.Bind.Port == health.Bind.Port)
        {
            throw new ConfigurationException(origin, lineOf("prometheus.bind") ?? lineOf("health_check.bind"), "prometheus.bind",
                $"port {metrics.Bind.Port} is health_check.bind's port too; give the metrics and the health endpoint "
                + "a port each");
        }
    }
}
