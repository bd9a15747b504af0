using System.Diagnostics;
using Microsoft.Data.Sqlite;
using static HarmonyLite.Bench.BenchDatabase;
using static HarmonyLite.Bench.ReplicationBenchCluster;

namespace HarmonyLite.Bench;

/// <summary>
/// End-to-end replication on a three-node loopback cluster (in-process nodes, each with its own nats-server child):
/// how long a single-row insert on node 1 takes to be visible on node 3, how many rows per second flow from node 1 to
/// node 3 when written in transactions of 1,000, and what a running node costs an application's single-row writes.
/// In-process nodes rather than harmonylite child processes: the same engine, and no sidecar build to locate.
/// </summary>
public sealed class ReplicationBench : IBenchSuite
{
    private const string Schema = "CREATE TABLE pings(id INTEGER PRIMARY KEY NOT NULL, sent TEXT NOT NULL);\n" + ItemsTable;

    private const int WarmUpSamples = 20;
    private const int DelaySamples = 200;
    private const int ThroughputRows = 100_000;
    private const int RowsPerTransaction = 1_000;
    private const int SingleRowInserts = 100_000;
    private static readonly TimeSpan VisibilityTimeout = TimeSpan.FromMinutes(5);

    public string Name => "replication";

    public async Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        report.Note(Name, "three in-process HarmonyNode instances on loopback, each with its embedded nats-server (a child process); 1 shard, 1 replica, default settings otherwise");
        await using (var cluster = await StartAsync(3, Schema, cancellationToken))
        {
            await MeasureDelayAsync(cluster, report, cancellationToken);
            await MeasureThroughputAsync(cluster, report, cancellationToken);
        }
        await MeasureWriteCostAsync(report, cancellationToken);
    }

    /// <summary>One row at a time: insert on node 1, then poll node 3 (about every millisecond) until the row is there.</summary>
    private async Task MeasureDelayAsync(ReplicationBenchCluster cluster, BenchReport report, CancellationToken cancellationToken)
    {
        await using var writer = Open(cluster.Database(1));
        await using var reader = Open(cluster.Database(3));
        await using var insert = writer.CreateCommand();
        insert.CommandText = "INSERT INTO pings(id, sent) VALUES ($id, strftime('%Y-%m-%dT%H:%M:%f', 'now'))";
        var insertId = insert.Parameters.Add("$id", SqliteType.Integer);
        await using var probe = reader.CreateCommand();
        probe.CommandText = "SELECT 1 FROM pings WHERE id = $id";
        var probeId = probe.Parameters.Add("$id", SqliteType.Integer);

        var delays = new List<double>(DelaySamples);
        for (var sample = 1; sample <= WarmUpSamples + DelaySamples; sample++)
        {
            insertId.Value = sample;
            probeId.Value = sample;
            var clock = Stopwatch.StartNew();
            await insert.ExecuteNonQueryAsync(cancellationToken);
            while (await probe.ExecuteScalarAsync(cancellationToken) is null)
            {
                if (clock.Elapsed > VisibilityTimeout) throw new TimeoutException($"Row {sample} written on node 1 was not on node 3 after {VisibilityTimeout}.");
                await Task.Delay(1, cancellationToken);
            }
            if (sample > WarmUpSamples) delays.Add(clock.Elapsed.TotalMilliseconds);
            // A pause, so each sample is a lone write and not part of a burst.
            await Task.Delay(10, cancellationToken);
        }
        delays.Sort();
        report.Figure(Name, $"delay node 1 -> node 3, single-row insert, p50 ({DelaySamples} samples)", Percentile(delays, 0.50), "ms");
        report.Figure(Name, $"delay node 1 -> node 3, single-row insert, p99 ({DelaySamples} samples)", Percentile(delays, 0.99), "ms");
        report.Figure(Name, "delay node 1 -> node 3, single-row insert, max", delays[^1], "ms");
    }

    /// <summary>100,000 rows in transactions of 1,000 on node 1, as fast as it takes them; the clock stops when node 3 has all.</summary>
    private async Task MeasureThroughputAsync(ReplicationBenchCluster cluster, BenchReport report, CancellationToken cancellationToken)
    {
        await using var writer = Open(cluster.Database(1));
        await using var reader = Open(cluster.Database(3));
        await using var count = reader.CreateCommand();
        count.CommandText = "SELECT count(*) FROM items";
        var payload = new byte[32];

        var clock = Stopwatch.StartNew();
        for (var first = 0; first < ThroughputRows; first += RowsPerTransaction)
        {
            await using var transaction = writer.BeginTransaction();
            await using var insert = writer.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO items(id, name, qty, price, data) VALUES ($id, $name, $qty, $price, $data)";
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            var name = insert.Parameters.Add("$name", SqliteType.Text);
            var qty = insert.Parameters.Add("$qty", SqliteType.Integer);
            var price = insert.Parameters.Add("$price", SqliteType.Real);
            insert.Parameters.Add("$data", SqliteType.Blob).Value = payload;
            for (var i = first; i < first + RowsPerTransaction; i++)
            {
                id.Value = $"item-{i:D7}";
                name.Value = $"name {i}";
                qty.Value = (long)i;
                price.Value = i * 0.25;
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        var written = clock.Elapsed;
        while ((long)(await count.ExecuteScalarAsync(cancellationToken))! < ThroughputRows)
        {
            if (clock.Elapsed > VisibilityTimeout) throw new TimeoutException($"Node 3 did not have all {ThroughputRows} rows after {VisibilityTimeout}.");
            await Task.Delay(5, cancellationToken);
        }
        var visible = clock.Elapsed;
        report.Figure(Name, $"throughput node 1 -> node 3, {ThroughputRows:N0} rows in transactions of {RowsPerTransaction:N0}", ThroughputRows / visible.TotalSeconds, "rows/s",
            $"written in {written.TotalSeconds:N1} s, all on node 3 after {visible.TotalSeconds:N1} s");
    }

    /// <summary>
    /// 100,000 single-row transactions into a plain database, then into the database of a running node (capture
    /// triggers, and the node publishing what they capture meanwhile). The capture suite measures the triggers alone.
    /// The application waits for locks with SQLite's busy handler; a last run shows what it pays without
    /// (<see cref="BenchDatabase.InsertItemsOneByOneAsync"/>).
    /// </summary>
    private async Task MeasureWriteCostAsync(BenchReport report, CancellationToken cancellationToken)
    {
        using var directory = new HarmonyLite.TestSupport.TempDirectory("harmonylite-bench-write-cost");
        var plainPath = directory.File("plain.db");
        await CreateAsync(plainPath, Schema, cancellationToken);
        var plain = await InsertItemsOneByOneAsync(plainPath, "plain", SingleRowInserts, busyTimeout: true, cancellationToken);
        report.Figure(Name, $"{SingleRowInserts:N0} single-row transactions, no HarmonyLite", plain, "rows/s");

        await using var node = await StartAsync(1, Schema, cancellationToken);
        var captured = await InsertItemsOneByOneAsync(node.Database(1), "captured", SingleRowInserts, busyTimeout: true, cancellationToken);
        report.Figure(Name, $"{SingleRowInserts:N0} single-row transactions, node running", captured, "rows/s");
        report.Figure(Name, "write cost of capture (no HarmonyLite / node running)", plain / captured, "x");
        var driverRetry = await InsertItemsOneByOneAsync(node.Database(1), "driver-retry", SingleRowInserts, busyTimeout: false, cancellationToken);
        report.Figure(Name, $"{SingleRowInserts:N0} single-row transactions, node running, no busy_timeout", driverRetry, "rows/s",
            $"{plain / driverRetry:N1}x the plain cost");
    }

    private static double Percentile(List<double> sorted, double fraction) => sorted[Math.Max(0, (int)Math.Ceiling(sorted.Count * fraction) - 1)];
}
