using System.Text.RegularExpressions;
using HarmonyLite.EndToEnd.Tests.Harness;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace HarmonyLite.EndToEnd.Tests.Snapshots;

/// <summary><c>harmonylite -config node.toml -save-snapshot</c>, as a scheduled task runs it, beside a running node.</summary>
public sealed partial class SaveSnapshotCommandTests
{
    private const string Schema = "CREATE TABLE items(id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL);";

    [Fact]
    public async Task Save_snapshot_uploads_to_the_nats_object_store_and_keeps_the_newest_snapshot_keep()
    {
        // A fixed client port, so the command finds the running node's embedded server from the same configuration.
        // max_entries stays large and interval 0, so the node's own scheduler saves nothing and every snapshot is the command's.
        var settings = new NodeSettings
        {
            NatsBindAddress = $"127.0.0.1:{FreePort.Next()}",
            SnapshotToml = """
                [snapshot]
                enabled = true
                store = "nats"
                interval = 0
                keep = 2
                """,
        };
        await using var cluster = await ClusterHarness.StartAsync(new ClusterSettings { Nodes = 1, Routed = false, Schema = Schema, Node = _ => settings });
        var node = cluster[1];

        var saved = new List<string>();
        for (var round = 1; round <= 3; round++)
        {
            await node.Database.ExecuteAsync($"INSERT INTO items(id, name) VALUES ('item-{round}', 'saved in round {round}');");
            var run = await HarmonyliteExecutable.RunAsync(node.Directory, "-config", node.ConfigPath, "-save-snapshot");
            Assert.True(run.ExitCode == 0, $"-save-snapshot round {round}: {run}");
            var id = SavedLine().Match(run.Error);
            Assert.True(id.Success, $"-save-snapshot round {round} did not say which snapshot it saved: {run}");
            saved.Add(id.Groups["id"].Value);
        }
        Assert.Equal(3, saved.Distinct().Count());

        var config = ConfigurationLoader.Load(node.ConfigPath).Config;
        await using var snapshots = await SnapshotService.OpenAsync(config, NullLoggerFactory.Instance, CancellationToken.None);
        var listed = await snapshots.ListAsync(CancellationToken.None);
        Assert.Equal(saved.Skip(1).Order(StringComparer.Ordinal), listed.Select(m => m.Id).Order(StringComparer.Ordinal));
        Assert.All(listed, m => Assert.Equal(1L, m.NodeId));
        Assert.True(node.IsRunning, $"the node stopped while snapshots were saved beside it:\n{node.Log.Tail(20)}");
    }

    [GeneratedRegex(@"saved snapshot (?<id>\S+) \(")]
    private static partial Regex SavedLine();
}
