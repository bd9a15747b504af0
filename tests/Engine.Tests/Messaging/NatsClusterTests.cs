using System.Diagnostics;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.EmbeddedNats;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Tests.EmbeddedNats;
using HarmonyLite.TestSupport;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Xunit;

namespace HarmonyLite.Engine.Tests.Messaging;

/// <summary>
/// Three embedded nats-servers (the engine's own supervision) routed into one cluster, started together as three nodes
/// would be: a client of each sets up the same replicated stream and buckets at once, and publishing and consuming go
/// on while the server one of them uses goes into lame duck mode and shuts down.
/// </summary>
public sealed class NatsClusterTests : IAsyncLifetime
{
    private const int Size = 3;
    private readonly TempDirectory _directory = new("harmonylite-cluster");
    private readonly TestLoggerFactory _logs = new();
    private readonly List<EmbeddedNatsServer> _servers = [];
    private readonly List<MessagingConnection> _connections = [];

    public async Task InitializeAsync()
    {
        var routes = Enumerable.Range(0, Size).Select(_ => FreePort.Next()).ToArray();
        // The shortest lame duck nats-server allows, so that the server leaving takes seconds rather than two minutes.
        var include = _directory.File("lame-duck.conf");
        await File.WriteAllTextAsync(include, "lame_duck_duration: \"30s\"\nlame_duck_grace_period: \"1s\"\n");
        for (var i = 0; i < Size; i++)
        {
            var directory = Path.Combine(_directory.Path, $"node-{i + 1}");
            Directory.CreateDirectory(directory);
            _servers.Add(new EmbeddedNatsServer(new EmbeddedNatsServerOptions
            {
                NodeId = i + 1,
                DataDirectory = directory,
                Cluster = new ClusterOptions
                {
                    ListenAddress = new HostPort("127.0.0.1", routes[i]),
                    Peers = routes.Where((_, j) => j != i).Select(p => new Uri($"nats://127.0.0.1:{p}")).ToArray(),
                },
                IncludeConfigFile = include,
                LoggerFactory = _logs,
            }));
        }
        // Together: a clustered JetStream answers only once a majority of its servers is up.
        await Task.WhenAll(_servers.Select(s => s.StartAsync()));
    }

    /// <summary>A connection preferring server <paramref name="index"/>, knowing the others to fail over to.</summary>
    private async Task<MessagingConnection> ConnectAsync(int index)
    {
        var urls = _servers.Skip(index).Concat(_servers.Take(index)).Select(s => s.ClientUrl).ToArray();
        var connection = await TestMessaging.ConnectAsync(TestMessaging.Config(urls), _logs);
        _connections.Add(connection);
        return connection;
    }

    [Fact]
    public async Task Three_nodes_set_up_the_same_replicated_stream_and_buckets_at_once_and_replication_survives_a_lame_duck_server()
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, Size).Select(ConnectAsync));
        var topology = TestMessaging.UniqueTopology("cluster");
        var config = new ReplicationLogConfig { Replicas = 3 };
        var logs = clients.Select(c => c.OpenReplicationLog(topology, config, _logs.CreateLogger("streams"))).ToArray();

        // The same creates from every node at once: the meta leader leaves duplicates unanswered, and they are asked again.
        await Task.WhenAll(logs.Select(l => l.EnsureStreamsAsync(CancellationToken.None)));
        await Task.WhenAll(clients.Select(c => c.OpenKeyValueBucketAsync(new KeyValueBucketSettings(topology.StreamPrefix + "-kv", "cluster test", 3, "test.replicas", TimeSpan.Zero), _logs.CreateLogger("kv"), CancellationToken.None)));
        await Task.WhenAll(clients.Select(c => c.OpenObjectBucketAsync(new ObjectBucketSettings(topology.StreamPrefix + "-obj", "cluster test", 3, "test.replicas"), _logs.CreateLogger("obj"), CancellationToken.None)));
        await using (var raw = new NatsConnection(new NatsOpts { Url = _servers[1].ClientUrl }))
        {
            var js = new NatsJSContext(raw);
            Assert.Equal(3, (await js.GetStreamAsync(topology.StreamName(1))).Info.Config.NumReplicas);
            Assert.Equal(3, (await js.GetStreamAsync($"KV_{topology.StreamPrefix}-kv")).Info.Config.NumReplicas);
            Assert.Equal(3, (await js.GetStreamAsync($"OBJ_{topology.StreamPrefix}-obj")).Info.Config.NumReplicas);
        }

        // Node 3 consumes while node 1 publishes through server 1, which goes into lame duck mode and shuts down: node 1
        // goes on publishing until its connection moved to another server, and a few more.
        const int BeforeLameDuck = 20;
        var received = new List<ulong>();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var consuming = Task.Run(async () =>
        {
            var feed = await logs[2].OpenFeedAsync(topology.StreamName(1), "node-3", 1, "cluster test", stop.Token);
            await foreach (var message in feed.ReadAllAsync(stop.Token))
            {
                await message.AckAsync(stop.Token);
                lock (received) received.Add(message.Sequence);
            }
        });
        var lameDuck = _servers[0].ProcessId ?? throw new InvalidOperationException("server 1 is not running");
        var published = 0;
        while (true)
        {
            if (published == BeforeLameDuck) Signal(lameDuck, "USR2");
            await PublishUntilStoredAsync(logs[0], $"batch-{++published}", stop.Token);
            if (published > BeforeLameDuck + 10 && clients[0].ServerUrl != _servers[0].ClientUrl) break;
            await Task.Delay(published > BeforeLameDuck ? 100 : 0, stop.Token);
        }
        await Eventually.WaitUntilAsync(() => { lock (received) return received.Distinct().Count() >= published; }, $"node 3 receiving all {published} batches",
            TimeSpan.FromSeconds(60), () => { lock (received) return $"{received.Distinct().Count()} received"; });
        await stop.CancelAsync();
        try { await consuming; }
        catch (OperationCanceledException) { }

        lock (received) Assert.Equal(Enumerable.Range(1, published).Select(i => (ulong)i), received.Distinct().Order());
        var range = await logs[1].ReadRangeAsync(topology.StreamName(1), CancellationToken.None);
        Assert.Equal((1UL, (ulong)published, (long)published), (range.FirstSequence, range.LastSequence, range.Messages));
        Assert.Contains(_logs.Entries, e => e.Message.Contains("lame duck mode", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Warning && e.Message.Contains("do not fit", StringComparison.Ordinal));
    }

    /// <summary>As the publisher does: a publish that got no answer is sent again with the same batch id, which JetStream de-duplicates.</summary>
    private static async Task PublishUntilStoredAsync(ReplicationLog log, string batchId, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await log.PublishAsync(1, batchId, System.Text.Encoding.UTF8.GetBytes(batchId), cancellationToken);
                return;
            }
            catch (MessagingException) when (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections) await connection.DisposeAsync();
        await Task.WhenAll(_servers.Select(s => s.DisposeAsync().AsTask()));
        _directory.Dispose();
    }
}
