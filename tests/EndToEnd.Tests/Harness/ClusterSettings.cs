namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>A test cluster: how many nodes, the schema every database starts with, and each node's settings.</summary>
public sealed record ClusterSettings
{
    /// <summary>Nodes started by <see cref="ClusterHarness.StartAsync"/>, with ids 1 to <see cref="Nodes"/>.</summary>
    public int Nodes { get; init; } = 3;

    /// <summary>SQL the sqlite3 shell runs on every new database before its node starts.</summary>
    public string Schema { get; init; } = "";

    /// <summary>Settings of one node by id; null gives every node the defaults.</summary>
    public Func<int, NodeSettings>? Node { get; init; }

    /// <summary>Whether the embedded nats-servers route to each other (-cluster-addr, -cluster-peers).</summary>
    public bool Routed { get; init; } = true;

    public NodeSettings SettingsOf(int nodeId) => Node?.Invoke(nodeId) ?? new NodeSettings();
}
