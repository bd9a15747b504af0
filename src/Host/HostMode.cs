namespace HarmonyLite.Host;

/// <summary>What one invocation of <c>harmonylite</c> does.</summary>
public enum HostMode
{
    /// <summary>Run the replication node (no mode flag).</summary>
    Run,

    /// <summary><c>--help</c>: print the flags.</summary>
    Help,

    /// <summary><c>--version</c>: print the version.</summary>
    Version,

    /// <summary><c>-print-config</c>: print the effective configuration as JSON.</summary>
    PrintConfig,

    /// <summary><c>-cleanup</c>: remove HarmonyLite's triggers, change log and version tables from the database.</summary>
    Cleanup,

    /// <summary><c>-save-snapshot</c>: save one snapshot and exit.</summary>
    SaveSnapshot,

    /// <summary><c>-cluster-status</c>: print every node's entry of the cluster bucket.</summary>
    ClusterStatus,

    /// <summary><c>-wait-replicated</c>: wait until every live node applied what was published.</summary>
    WaitReplicated,
}
