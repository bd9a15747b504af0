using HarmonyLite.EndToEnd.Tests.Harness;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.EndToEnd.Tests;

/// <summary>Nodes with <c>nats.urls</c> set use that server instead of running their own.</summary>
public sealed class ExternalNatsTests
{
    private const string Schema = "CREATE TABLE notes(id TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL);";

    [Fact]
    public async Task Nodes_pointed_at_an_external_nats_server_replicate_through_it()
    {
        await using var server = await NatsServerProcess.StartAsync();
        await using var cluster = await ClusterHarness.StartAsync(new ClusterSettings
        {
            Nodes = 2,
            Routed = false,
            Schema = Schema,
            Node = _ => new NodeSettings { NatsUrls = [server.Url] },
        });

        foreach (var node in cluster.Nodes)
        {
            Assert.EndsWith($":{server.Port}", node.NatsUrl);
            Assert.False(Directory.Exists(Path.Combine(node.Directory, "nats")), $"node {node.Id} started an embedded nats-server anyway");
        }
        await cluster[1].Database.ExecuteAsync("INSERT INTO notes VALUES ('from-1', 'one');");
        await cluster[2].Database.ExecuteAsync("INSERT INTO notes VALUES ('from-2', 'two');");
        await cluster.WaitForCountAsync("notes", 2);
        await cluster.WaitConvergedAsync("both nodes through the external server");
    }

    [Fact]
    public async Task A_node_started_before_its_external_nats_server_retries_until_the_server_is_up()
    {
        var port = FreePort.Next();
        var cluster = await ClusterHarness.CreateAsync(new ClusterSettings
        {
            Nodes = 2,
            Routed = false,
            Schema = Schema,
            Node = _ => new NodeSettings { NatsUrls = [$"nats://127.0.0.1:{port}"], ConnectRetries = 120, Verbose = true },
        });
        NatsServerProcess? server = null;
        try
        {
            var early = cluster[1];
            var launched = early.Launch();
            await cluster.WaitUntilAsync(
                () => Task.FromResult(early.Log.LinesSince(launched).Count(l => l.Contains($"Connecting to NATS server nats://127.0.0.1:{port} failed", StringComparison.Ordinal)) >= 2),
                "node 1 failing to connect, twice");
            Assert.True(early.IsRunning, $"node 1 gave up instead of retrying:\n{early.Log.Tail()}");

            server = await NatsServerProcess.StartAsync(new NatsServerOptions { Port = port });
            await early.WaitReplicatingAsync(launched);
            await cluster[2].StartAsync();
            await cluster[1].Database.ExecuteAsync("INSERT INTO notes VALUES ('late', 'written once the server was up');");
            await cluster.WaitForCountAsync("notes", 1, "id = 'late'");
        }
        finally
        {
            // Nodes first: they stop faster with their server still there.
            await cluster.DisposeAsync();
            if (server is not null) await server.DisposeAsync();
        }
    }
}
