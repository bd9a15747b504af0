using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using HarmonyLite.EndToEnd.Tests.Harness;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.EndToEnd.Tests;

/// <summary>
/// The health endpoint (<c>[health_check]</c>, <c>-health-*</c>) and <c>/metrics</c> (<c>[prometheus]</c>) of running
/// sidecars, asked over HTTP as Kubernetes probes, <c>curl -f</c> and Prometheus ask them.
/// </summary>
public sealed class ObservabilityTests
{
    private const string Schema = "CREATE TABLE notes(id TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL);";
    private const string Stream = "harmonylite-changes-1";

    /// <summary>Go HarmonyLite's metric names, which existing dashboards query.</summary>
    private static readonly string[] GoMetricNames =
    [
        "harmonylite_replication_subscriber_lag_messages",
        "harmonylite_replication_subscriber_lag_seconds",
        "harmonylite_replication_last_processed_sequence",
        "harmonylite_replication_last_processed_timestamp_seconds",
        "harmonylite_replication_publisher_stream_total_messages",
        "harmonylite_replication_publisher_last_published_sequence",
        "harmonylite_replication_publisher_last_published_timestamp_seconds",
        "harmonylite_nats_stream_info_messages",
        "harmonylite_nats_stream_info_bytes",
        "harmonylite_nats_messages_published_total",
        "harmonylite_nats_messages_received_total",
        "harmonylite_logstream_nats_operation_errors_total",
        "harmonylite_conflicts_resolved_total",
        "harmonylite_db_replicated_writes_total",
        "harmonylite_db_apply_errors_total",
        "harmonylite_db_apply_duration_seconds",
    ];

    private static readonly string[] GoHealthFields =
    [
        "status", "node_id", "uptime_seconds", "db_connected", "nats_connected", "cdc_installed", "tables_tracked",
        "last_replicated_event_timestamp", "last_published_event_timestamp", "version",
    ];

    [Fact]
    public async Task Healthy_nodes_answer_200_and_their_metrics_pass_promtool_and_move_with_replication()
    {
        await using var server = await NatsServerProcess.StartAsync();
        var ports = DistinctFreePorts(4);
        var healthPorts = ports[..2];
        var metricsPorts = ports[2..];
        await using var cluster = await ClusterHarness.StartAsync(new ClusterSettings
        {
            Nodes = 2,
            Routed = false,
            Schema = Schema,
            Node = id => new NodeSettings
            {
                NatsUrls = [server.Url],
                ExtraToml = Prometheus(metricsPorts[id - 1]) + (id == 2 ? Health(healthPorts[1], "/health", detailed: false) : ""),
                // Node 1 gets its endpoint from Go's flags alone: no [health_check] in its file.
                ExtraArguments = id == 1 ? ["-health-check", "-health-bind", Loopback(healthPorts[0]), "-health-path", "/x"] : [],
            },
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        using (var answer = await http.GetAsync($"http://{Loopback(healthPorts[0])}/x"))
        {
            var body = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{(int)answer.StatusCode}: {body}");
            using var report = JsonDocument.Parse(body);
            var root = report.RootElement;
            Assert.All(GoHealthFields, field => Assert.True(root.TryGetProperty(field, out _), $"no {field} in {body}"));
            Assert.Equal("healthy", root.GetProperty("status").GetString());
            Assert.Equal(1UL, root.GetProperty("node_id").GetUInt64());
            Assert.True(root.GetProperty("db_connected").GetBoolean() && root.GetProperty("nats_connected").GetBoolean()
                && root.GetProperty("cdc_installed").GetBoolean(), body);
            Assert.Equal(1, root.GetProperty("tables_tracked").GetInt32());
            Assert.Equal("running", root.GetProperty("state").GetString());
            Assert.Equal(0, root.GetProperty("quarantined_messages").GetInt64());
            Assert.Equal(JsonValueKind.Null, root.GetProperty("snapshot_lease_holder").ValueKind);
            var shard = Assert.Single(root.GetProperty("shards").EnumerateArray().ToList());
            Assert.Equal(Stream, shard.GetProperty("stream").GetString());
            Assert.True(shard.TryGetProperty("applied_sequence", out _) && shard.TryGetProperty("last_sequence", out _) && shard.TryGetProperty("lag", out _), body);
        }
        using (var elsewhere = await http.GetAsync($"http://{Loopback(healthPorts[0])}/health"))
            Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        using (var plain = await http.GetAsync($"http://{Loopback(healthPorts[1])}/health"))
        {
            Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
            Assert.Equal("healthy", (await plain.Content.ReadAsStringAsync()).Trim());
        }

        var before = await ScrapeAsync(http, metricsPorts[0]);
        var receivedBefore = (await ScrapeAsync(http, metricsPorts[1])).Sum("harmonylite_nats_messages_received_total");
        for (var i = 0; i < 3; i++)
            await cluster[1].Database.ExecuteAsync($"INSERT INTO notes VALUES ('n{i}', 'note {i}');");
        await cluster.WaitForCountAsync("notes", 3);

        MetricsScrape publisher = before, subscriber = before;
        await cluster.WaitUntilAsync(async () =>
        {
            publisher = await ScrapeAsync(http, metricsPorts[0]);
            subscriber = await ScrapeAsync(http, metricsPorts[1]);
            var published = publisher.Of("harmonylite_replication_publisher_last_published_sequence", ("stream_name", Stream)).SingleOrDefault()?.Value ?? 0;
            return published > 0
                && subscriber.Sum("harmonylite_replication_last_processed_sequence", ("source_stream_name", Stream)) >= published
                && subscriber.Sum("harmonylite_replication_subscriber_lag_messages", ("source_stream_name", Stream)) == 0;
        }, "node 2's metrics showing it applied node 1's last published message");

        Assert.True(publisher.Sum("harmonylite_nats_messages_published_total", ("stream_name", Stream))
            > before.Sum("harmonylite_nats_messages_published_total", ("stream_name", Stream)), publisher.Text);
        Assert.True(subscriber.Sum("harmonylite_nats_messages_received_total") > receivedBefore, subscriber.Text);
        Assert.Equal(3, subscriber.Sum("harmonylite_db_replicated_writes_total", ("table_name", "notes"), ("operation", "insert")));
        Assert.True(subscriber.Sum("harmonylite_db_apply_duration_seconds_count", ("table_name", "notes"), ("operation", "insert")) >= 1, subscriber.Text);
        // The stream keeps every message of the test: as many as the last published sequence.
        Assert.Equal(publisher.Sum("harmonylite_replication_publisher_last_published_sequence", ("stream_name", Stream)),
            publisher.Sum("harmonylite_nats_stream_info_messages", ("stream_name", Stream)));
        Assert.True(publisher.Sum("harmonylite_replication_capture_to_publish_delay_seconds_count") >= 1, publisher.Text);

        foreach (var (scrape, node) in new[] { (publisher, "1"), (subscriber, "2") })
        {
            Assert.All(GoMetricNames, name => Assert.Contains($"# TYPE {name} ", scrape.Text));
            Assert.All(scrape.Samples.Where(s => s.Name.StartsWith("harmonylite_", StringComparison.Ordinal)),
                s => Assert.Equal(node, s.Labels.GetValueOrDefault("node_id")));
            var (exitCode, output) = await Promtool.CheckMetricsAsync(scrape.Text);
            Assert.True(exitCode == 0, $"promtool check metrics failed for node {node}: {output}\n{scrape.Text}");
        }
    }

    [Fact]
    public async Task A_node_that_lost_nats_or_its_database_answers_503_and_200_again_once_they_are_back()
    {
        await using var server = await NatsServerProcess.StartAsync();
        var port = FreePort.Next();
        await using var cluster = await ClusterHarness.StartAsync(new ClusterSettings
        {
            Nodes = 1,
            Routed = false,
            Schema = Schema,
            Node = _ => new NodeSettings { NatsUrls = [server.Url], ExtraToml = Health(port, "/health", detailed: true) },
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var url = $"http://{Loopback(port)}/health";
        await WaitForHealthAsync(cluster, http, url, HttpStatusCode.OK, "the node healthy");

        await server.KillAsync();
        var gone = await WaitForHealthAsync(cluster, http, url, HttpStatusCode.ServiceUnavailable, "503 once NATS is gone");
        Assert.False(gone.GetProperty("nats_connected").GetBoolean());
        Assert.True(gone.GetProperty("db_connected").GetBoolean());
        Assert.Equal("unhealthy", gone.GetProperty("status").GetString());
        Assert.Contains(gone.GetProperty("problems").EnumerateArray(), p => p.GetString()!.Contains("NATS", StringComparison.Ordinal));

        await server.RestartAsync();
        await WaitForHealthAsync(cluster, http, url, HttpStatusCode.OK, "200 once NATS is back");

        // The database file moved away (a volume unmounted, a file deleted): the node's open connections go on, a new one cannot open it.
        var database = cluster[1].Database.Path;
        File.Move(database, database + ".away");
        try
        {
            var missing = await WaitForHealthAsync(cluster, http, url, HttpStatusCode.ServiceUnavailable, "503 once the database is gone");
            Assert.False(missing.GetProperty("db_connected").GetBoolean());
            Assert.True(missing.GetProperty("nats_connected").GetBoolean());
            Assert.Contains(missing.GetProperty("problems").EnumerateArray(), p => p.GetString()!.Contains(database, StringComparison.Ordinal));
        }
        finally
        {
            File.Move(database + ".away", database);
        }
        await WaitForHealthAsync(cluster, http, url, HttpStatusCode.OK, "200 once the database is back");
    }

    [Fact]
    public async Task A_node_still_starting_answers_503_with_its_state()
    {
        var port = FreePort.Next();
        await using var cluster = await ClusterHarness.CreateAsync(new ClusterSettings
        {
            Nodes = 1,
            Routed = false,
            Schema = Schema,
            // Nothing listens there: the node keeps trying to connect, and stays "starting" meanwhile.
            Node = _ => new NodeSettings
            {
                NatsUrls = [$"nats://127.0.0.1:{FreePort.Next()}"],
                ConnectRetries = 1000,
                ExtraToml = Health(port, "/health", detailed: true),
            },
        });
        cluster[1].Launch();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        var starting = await WaitForHealthAsync(cluster, http, $"http://{Loopback(port)}/health", HttpStatusCode.ServiceUnavailable,
            "503 while the node starts");

        Assert.Equal("starting", starting.GetProperty("state").GetString());
        Assert.False(starting.GetProperty("nats_connected").GetBoolean());
        Assert.True(cluster[1].IsRunning);
    }

    [Fact]
    public async Task A_health_address_in_use_stops_the_node_naming_the_key_and_the_address()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        await using var cluster = await ClusterHarness.CreateAsync(new ClusterSettings
        {
            Nodes = 1,
            Routed = false,
            Schema = Schema,
            // Never reached: the endpoints start before the node connects.
            Node = _ => new NodeSettings { NatsUrls = [$"nats://127.0.0.1:{FreePort.Next()}"], ExtraToml = Health(port, "/health", detailed: true) },
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => cluster[1].StartAsync());

        Assert.Contains($"health_check.bind = \"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}\"", error.Message);
    }

    private static async Task<JsonElement> WaitForHealthAsync(ClusterHarness cluster, HttpClient http, string url, HttpStatusCode expected, string what)
    {
        var last = "";
        JsonElement report = default;
        await Eventually.WaitUntilAsync(async () =>
        {
            using var answer = await http.GetAsync(url);
            last = $"{(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}";
            if (answer.StatusCode != expected) return false;
            report = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.Clone();
            return true;
        }, what, TimeSpan.FromSeconds(60), async () => $"last answer {last}\n{await cluster.DescribeAsync()}", TimeSpan.FromMilliseconds(100));
        return report;
    }

    // The OS may hand the same free port out twice in a row.
    private static int[] DistinctFreePorts(int count)
    {
        var ports = new HashSet<int>();
        while (ports.Count < count) ports.Add(FreePort.Next());
        return ports.ToArray();
    }

    private static Task<MetricsScrape> ScrapeAsync(HttpClient http, int port) => MetricsScrape.FetchAsync(http, $"http://{Loopback(port)}/metrics");

    private static string Loopback(int port) => $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";

    private static string Prometheus(int port) => $"[prometheus]\nenable = true\nbind = \"{Loopback(port)}\"\n\n";

    private static string Health(int port, string path, bool detailed) =>
        $"[health_check]\nenable = true\nbind = \"{Loopback(port)}\"\npath = \"{path}\"\ndetailed = {(detailed ? "true" : "false")}\n\n";
}
