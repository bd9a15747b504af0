namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>
/// Where a node's embedded server keeps its files: one folder per server name under
/// <c>&lt;data directory&gt;/nats</c>, which is also the JetStream store_dir (as in Go HarmonyLite;
/// nats-server adds its own <c>jetstream</c> folder inside).
/// </summary>
internal sealed record EmbeddedNatsPaths(string ServerDirectory)
{
    public static EmbeddedNatsPaths For(string dataDirectory, string serverName) =>
        new(Path.Combine(Path.GetFullPath(dataDirectory), "nats", serverName));

    public string StoreDirectory => ServerDirectory;
    public string ConfigFile => Path.Combine(ServerDirectory, "nats-server.conf");
    public string PidFile => Path.Combine(ServerDirectory, "nats-server.pid");

    /// <summary>Held open exclusively while a node owns the directory; the OS releases it when the owner dies.</summary>
    public string OwnerLockFile => Path.Combine(ServerDirectory, "owner.lock");

    /// <summary>nats-server writes <c>&lt;executable&gt;_&lt;pid&gt;.ports</c> files here.</summary>
    public string PortsFileDirectory => ServerDirectory;
}
