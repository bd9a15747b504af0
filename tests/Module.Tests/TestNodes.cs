using HarmonyLite.Engine.Configuration;
using HarmonyLite.TestSupport;

namespace HarmonyLite.Module.Tests;

/// <summary>Node configuration files for tests: a database in a temp directory, replicating through a test nats-server.</summary>
internal static class TestNodes
{
    /// <summary>Writes node <paramref name="nodeId"/>'s configuration (streams unique to this call) and loads it as a node would.</summary>
    public static (string ConfigPath, HarmonyConfig Config) Configure(TempDirectory directory, string natsUrl, long nodeId, string database, string extraTopLevel = "")
    {
        var prefix = "mt" + Guid.NewGuid().ToString("N")[..10];
        var path = directory.File($"node-{nodeId}-{prefix}.toml");
        File.WriteAllText(path, $"""
            db_path = '{database}'
            node_id = {nodeId}
            {extraTopLevel}

            [nats]
            urls = ['{natsUrl}']
            stream_prefix = '{prefix}'
            subject_prefix = '{prefix}-changes'

            [snapshot]
            enabled = false
            """);
        return (path, ConfigurationLoader.Load(path).Config);
    }
}
