using System.Diagnostics;
using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Replication;
using HarmonyLite.TestSupport;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Bench;

/// <summary>
/// What change capture costs an application's writes (single-row transactions with and without the triggers, WAL,
/// synchronous=NORMAL), how fast pending changes are read, and how fast batches of 1,000 changes are applied.
/// </summary>
public sealed class CaptureBench : IBenchSuite
{
    private const int Rows = 100_000;
    private const int ApplyBatchSize = 1_000;
    private const string Schema = "CREATE TABLE items(id TEXT PRIMARY KEY NOT NULL, name TEXT, qty INTEGER, price REAL, data BLOB)";

    public string Name => "capture";

    public async Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        using var directory = new TempDirectory("harmonylite-bench-capture");

        var plainPath = await CreateDatabaseAsync(directory.File("plain.db"), cancellationToken);
        var plain = await InsertSingleRowTransactionsAsync(plainPath, cancellationToken);
        report.Figure(Name, $"{Rows:N0} single-row transactions, no triggers", plain, "rows/s");

        var capturedPath = await CreateDatabaseAsync(directory.File("captured.db"), cancellationToken);
        await using (var installer = await CaptureInstaller.OpenAsync(capturedPath, 1, null, cancellationToken))
            await installer.InstallAsync(cancellationToken);
        var captured = await InsertSingleRowTransactionsAsync(capturedPath, cancellationToken);
        report.Figure(Name, $"{Rows:N0} single-row transactions, capture triggers", captured, "rows/s");
        report.Figure(Name, "write cost of capture (no triggers / with triggers)", plain / captured, "x");

        List<ChangeBatch> batches;
        await using (var reader = await ChangeReader.OpenAsync(capturedPath, 1, null, cancellationToken))
        {
            var watch = Stopwatch.StartNew();
            var pending = await reader.ReadPendingAsync(Rows, cancellationToken) ?? throw new InvalidOperationException("nothing captured");
            report.Figure(Name, $"read {pending.Batch.Changes.Count:N0} pending changes in one read transaction", pending.Batch.Changes.Count / watch.Elapsed.TotalSeconds, "rows/s");
            batches = pending.Batch.Changes.Chunk(ApplyBatchSize).Select((chunk, i) => new ChangeBatch(1, $"bench-{i}", chunk)).ToList();
        }

        var replicaPath = await CreateDatabaseAsync(directory.File("replica.db"), cancellationToken);
        await using (var installer = await CaptureInstaller.OpenAsync(replicaPath, 2, null, cancellationToken))
            await installer.InstallAsync(cancellationToken);
        await using (var applier = await ChangeApplier.OpenAsync(replicaPath, null, cancellationToken))
        {
            var watch = Stopwatch.StartNew();
            var sequence = 0UL;
            foreach (var batch in batches) await applier.ApplyAsync(batch, "bench", ++sequence, cancellationToken);
            report.Figure(Name, $"apply {Rows:N0} inserts in batches of {ApplyBatchSize:N0}", Rows / watch.Elapsed.TotalSeconds, "rows/s");

            watch.Restart();
            var again = 0UL;
            foreach (var batch in batches) await applier.ApplyAsync(batch, "bench-again", ++again, cancellationToken);
            report.Figure(Name, $"apply the same {Rows:N0} again (all superseded)", Rows / watch.Elapsed.TotalSeconds, "rows/s");
        }
    }

    private static async Task<string> CreateDatabaseAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = Open(path);
        await Execute(connection, "PRAGMA journal_mode = WAL", cancellationToken);
        await Execute(connection, Schema, cancellationToken);
        return path;
    }

    /// <summary>Each row its own transaction, as an application doing one write per request would.</summary>
    private static async Task<double> InsertSingleRowTransactionsAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = Open(path);
        await Execute(connection, "PRAGMA synchronous = NORMAL", cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO items(id, name, qty, price, data) VALUES (@id, @name, @qty, @price, @data)";
        var id = insert.Parameters.Add("@id", SqliteType.Text);
        var name = insert.Parameters.Add("@name", SqliteType.Text);
        var qty = insert.Parameters.Add("@qty", SqliteType.Integer);
        var price = insert.Parameters.Add("@price", SqliteType.Real);
        var data = insert.Parameters.Add("@data", SqliteType.Blob);
        var payload = new byte[32];
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Rows; i++)
        {
            id.Value = $"item-{i:D7}";
            name.Value = $"name {i}";
            qty.Value = (long)i;
            price.Value = i * 0.25;
            data.Value = payload;
            await insert.ExecuteNonQueryAsync(cancellationToken); // autocommit: one transaction per row
        }
        return Rows / watch.Elapsed.TotalSeconds;
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static async Task Execute(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
