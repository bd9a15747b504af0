using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Diagnostics;
using System.Text.Json;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Node;
using HarmonyLite.EndToEnd.Tests.Harness;
using HarmonyLite.TestSupport;
using Microsoft.Data.Sqlite;
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
        var (cluster, url) = await StartOneNodeAsync(server);
        await using var owned = cluster;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
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

    [Fact]
    public async Task A_trigger_dropped_by_another_program_makes_the_node_answer_503_until_it_reinstalls_capture()
    {
        await using var server = await NatsServerProcess.StartAsync();
        var (cluster, url) = await StartOneNodeAsync(server);
        await using var owned = cluster;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await WaitForHealthAsync(cluster, http, url, HttpStatusCode.OK, "the node healthy");
        var trigger = CaptureArtifactNames.InsertTrigger("notes");
        var present = $"SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name = '{trigger}';";

        // The node reinstalls capture once it notices the schema change, within a poll: the shell takes the write lock
        // right after its drop, so the node cannot put the trigger back while the endpoint is asked. Should the node be
        // quicker than the shell, the trigger is back already and the drop is tried again.
        await using var shell = await OpenSqliteShell.OpenAsync(cluster[1].Database.Path);
        Assert.Equal("ready", await shell.QueryLineAsync(".timeout 30000\nSELECT 'ready';"));
        var dropped = false;
        for (var attempt = 1; attempt <= 5 && !dropped; attempt++)
        {
            dropped = await shell.QueryLineAsync($"DROP TRIGGER \"{trigger}\"; BEGIN IMMEDIATE; {present}") == "0";
            if (!dropped) Assert.Equal("again", await shell.QueryLineAsync("COMMIT; SELECT 'again';"));
        }
        Assert.True(dropped, $"the node put {trigger} back before the shell took the write lock, 5 times");

        var missing = await WaitForHealthAsync(cluster, http, url, HttpStatusCode.ServiceUnavailable, "503 once a trigger of notes is gone");
        Assert.False(missing.GetProperty("cdc_installed").GetBoolean());
        Assert.True(missing.GetProperty("db_connected").GetBoolean() && missing.GetProperty("nats_connected").GetBoolean(),
            missing.ToString());
        Assert.Equal("running", missing.GetProperty("state").GetString());
        Assert.Equal(1, missing.GetProperty("tables_tracked").GetInt32());
        Assert.Contains("capture is missing on table(s) notes: their triggers were removed", Problems(missing));

        // Released, the node notices the schema change and reinstalls the trigger by itself: healthy again.
        Assert.Equal("released", await shell.QueryLineAsync("COMMIT; SELECT 'released';"));
        var back = await WaitForHealthAsync(cluster, http, url, HttpStatusCode.OK, "200 once the node reinstalled capture");
        Assert.True(back.GetProperty("cdc_installed").GetBoolean());
        Assert.Equal(1L, await cluster[1].Database.ScalarAsync(present));
        var versions = NodeDatabase.Quote(CaptureArtifactNames.Versions("notes"));
        var before = (long)(await cluster[1].Database.ScalarAsync($"SELECT count(*) FROM {versions}"))!;
        await cluster[1].Database.ExecuteAsync("INSERT INTO notes VALUES ('after', 'captured by the reinstalled trigger');");
        Assert.Equal(before + 1, (long)(await cluster[1].Database.ScalarAsync($"SELECT count(*) FROM {versions}"))!);
        Assert.True(cluster[1].IsRunning);
    }

    [Fact]
    public async Task A_node_an_application_keeps_from_applying_answers_503_stuck_and_200_once_released()
    {
        await using var server = await NatsServerProcess.StartAsync();
        var port = FreePort.Next();
        await using var cluster = await ClusterHarness.StartAsync(new ClusterSettings
        {
            Nodes = 2,
            Routed = false,
            Schema = Schema,
            Node = id => new NodeSettings { NatsUrls = [server.Url], ExtraToml = id == 2 ? Health(port, "/health", detailed: true) : "" },
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var url = $"http://{Loopback(port)}/health";
        await cluster[1].Database.ExecuteAsync("INSERT INTO notes VALUES ('n0', 'before the lock');");
        await cluster.WaitForCountAsync("notes", 1);
        await WaitForHealthAsync(cluster, http, url, HttpStatusCode.OK, "node 2 healthy", r => Lag(r) == 0);

        // An application on node 2 keeps its write lock (an interactive sqlite3 shell in a transaction it never ends).
        await using var shell = await OpenSqliteShell.OpenAsync(cluster[2].Database.Path);
        Assert.Equal("held", await shell.QueryLineAsync(".timeout 30000\nBEGIN IMMEDIATE; SELECT 'held';"));
        AssertWriteLocked(cluster[2].Database.Path);
        await cluster[1].Database.ExecuteAsync("INSERT INTO notes VALUES ('n1', 'while node 2 is locked');");
        var lagging = Stopwatch.StartNew();

        // Waiting for an application is normal for a while: still healthy, lagging.
        var waiting = await WaitForHealthAsync(cluster, http, url, HttpStatusCode.OK, "node 2 lagging and still 200", r => Lag(r) > 0);
        Assert.Empty(Problems(waiting));
        var stuck = await WaitForHealthAsync(cluster, http, url, HttpStatusCode.ServiceUnavailable, "503: applying is stuck",
            r => Problems(r).Any(p => p.StartsWith($"applying {Stream} is stuck at sequence ", StringComparison.Ordinal)),
            HarmonyNode.StuckAfter + TimeSpan.FromSeconds(60));
        Assert.True(lagging.Elapsed >= HarmonyNode.StuckAfter - TimeSpan.FromSeconds(5),
            $"stuck after {lagging.Elapsed.TotalSeconds:0.0} s, before {HarmonyNode.StuckAfter.TotalSeconds} s: {stuck}");
        Assert.Equal("running", stuck.GetProperty("state").GetString());
        Assert.True(stuck.GetProperty("db_connected").GetBoolean() && stuck.GetProperty("nats_connected").GetBoolean()
            && stuck.GetProperty("cdc_installed").GetBoolean(), stuck.ToString());
        Assert.Contains(Problems(stuck), p => p.EndsWith("while 1 message(s) wait", StringComparison.Ordinal));

        Assert.Equal("released", await shell.QueryLineAsync("COMMIT; SELECT 'released';"));
        await WaitForHealthAsync(cluster, http, url, HttpStatusCode.OK, "200 once the application let go", r => Lag(r) == 0);
        await cluster.WaitForCountAsync("notes", 2);
        Assert.True(cluster[2].IsRunning);
    }

    [Fact]
    public async Task A_node_that_fails_exits_with_code_1_and_takes_its_health_endpoint_with_it()
    {
        const long Kept = 3;
        await using var server = await NatsServerProcess.StartAsync();
        var port = FreePort.Next();
        await using var cluster = await ClusterHarness.StartAsync(new ClusterSettings
        {
            Nodes = 2,
            Routed = false,
            Schema = Schema,
            // Snapshots are off (the harness's default): a node the stream left behind has nothing to catch up from.
            Node = id => new NodeSettings
            {
                NatsUrls = [server.Url],
                MaxEntries = Kept,
                ExtraToml = id == 2 ? Health(port, "/health", detailed: true) : "",
            },
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var url = $"http://{Loopback(port)}/health";
        await cluster[1].Database.ExecuteAsync("INSERT INTO notes VALUES ('n0', 'seen by both');");
        await cluster.WaitForCountAsync("notes", 1);
        await WaitForHealthAsync(cluster, http, url, HttpStatusCode.OK, "node 2 healthy");

        await cluster[2].StopAsync();
        // One message per row, each published before the next: the stream drops messages node 2 never applied.
        for (var i = 1; i <= Kept + 2; i++)
        {
            await cluster[1].Database.ExecuteAsync($"INSERT INTO notes VALUES ('n{i}', 'while node 2 is down');");
            await cluster.WaitUntilAsync(() => cluster[1].Database.HasPublishedEverythingAsync(), $"node 1 publishing row n{i}");
        }

        var started = cluster[2].Launch();
        var answers = new List<HttpStatusCode>();
        await cluster.WaitUntilAsync(async () =>
        {
            if (!cluster[2].IsRunning) return true;
            try
            {
                using var answer = await http.GetAsync(url);
                answers.Add(answer.StatusCode);
            }
            catch (HttpRequestException)
            {
                // Not listening yet, or no more.
            }
            return false;
        }, "node 2 stopping itself", TimeSpan.FromSeconds(60));

        Assert.Equal(1, cluster[2].ExitCode);
        Assert.Contains(cluster[2].Log.LinesSince(started), l => l.Contains("snapshots are disabled", StringComparison.Ordinal));
        Assert.DoesNotContain(HttpStatusCode.OK, answers);
        // A failed sidecar does not linger half alive: the process is gone, and the probe finds nothing listening.
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(url));
    }

    private static async Task<JsonElement> WaitForHealthAsync(ClusterHarness cluster, HttpClient http, string url,
        HttpStatusCode expected, string what, Func<JsonElement, bool>? until = null, TimeSpan? timeout = null)
    {
        var last = "";
        JsonElement report = default;
        await Eventually.WaitUntilAsync(async () =>
        {
            using var answer = await http.GetAsync(url);
            last = $"{(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}";
            if (answer.StatusCode != expected) return false;
            report = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.Clone();
            return until?.Invoke(report) ?? true;
        }, what, timeout ?? TimeSpan.FromSeconds(60), async () => $"last answer {last}\n{await cluster.DescribeAsync()}",
            TimeSpan.FromMilliseconds(100));
        return report;
    }

    private static List<string> Problems(JsonElement report) =>
        report.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();

    private static long Lag(JsonElement report) => report.GetProperty("shards").EnumerateArray().Sum(s => s.GetProperty("lag").GetInt64());

    /// <summary>Fails unless another connection holds the write lock of <paramref name="database"/>.</summary>
    private static void AssertWriteLocked(string database)
    {
        // Microsoft.Data.Sqlite retries a busy statement until its timeout: 1 s, not 0 (0 waits for ever).
        using var probe = new SqliteConnection(
            new SqliteConnectionStringBuilder { DataSource = database, Pooling = false, DefaultTimeout = 1 }.ToString());
        probe.Open();
        using var begin = probe.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE";
        var error = Assert.Throws<SqliteException>(() => begin.ExecuteNonQuery());
        Assert.Equal(5, error.SqliteErrorCode); // SQLITE_BUSY
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

    /// <summary>One node on <paramref name="server"/> with a detailed health endpoint; its URL.</summary>
    private static async Task<(ClusterHarness Cluster, string Url)> StartOneNodeAsync(NatsServerProcess server)
    {
        var port = FreePort.Next();
        var cluster = await ClusterHarness.StartAsync(new ClusterSettings
        {
            Nodes = 1,
            Routed = false,
            Schema = Schema,
            Node = _ => new NodeSettings { NatsUrls = [server.Url], ExtraToml = Health(port, "/health", detailed: true) },
        });
        return (cluster, $"http://{Loopback(port)}/health");
    }

    private static string Health(int port, string path, bool detailed) =>
        $"[health_check]\nenable = true\nbind = \"{Loopback(port)}\"\npath = \"{path}\"\ndetailed = {(detailed ? "true" : "false")}\n\n";
}
