using System.Diagnostics;
using System.Globalization;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Codec.Wire;
using HarmonyLite.TestSupport;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Bench;

/// <summary>
/// What capture costs an update of one column of a 20-column table (issue 13: a wide row must not pay per column):
/// single-row UPDATE transactions with and without the triggers, and the wire bytes of one such change.
/// </summary>
public sealed class WideUpdateBench : IBenchSuite
{
    private const int Rows = 10_000;
    private const int Updates = 20_000;
    private const int Columns = 20;

    public string Name => "wide-update";

    public async Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        using var directory = new TempDirectory("harmonylite-bench-wide");

        var plainPath = await CreateAsync(directory.File("plain.db"), cancellationToken);
        var plain = await UpdateOneColumnAsync(plainPath, cancellationToken);
        report.Figure(Name, $"{Updates:N0} one-column updates of a {Columns}-column row, no triggers", plain, "rows/s");

        var capturedPath = await CreateAsync(directory.File("captured.db"), cancellationToken);
        await using (var installer = await CaptureInstaller.OpenAsync(capturedPath, 1, null, cancellationToken))
            await installer.InstallAsync(cancellationToken);
        await using var reader = await ChangeReader.OpenAsync(capturedPath, 1, null, cancellationToken);
        // The rows written before install are captured as inserts; they are not what is measured.
        while (await reader.ReadPendingAsync(Rows, cancellationToken) is { } backfill) reader.MarkPublished(backfill);
        await reader.CleanupPublishedAsync(cancellationToken);

        var captured = await UpdateOneColumnAsync(capturedPath, cancellationToken);
        report.Figure(Name, $"{Updates:N0} one-column updates of a {Columns}-column row, capture triggers", captured, "rows/s");
        report.Figure(Name, "write cost of capture for a one-column update (no triggers / with triggers)", plain / captured, "x");

        var pending = await reader.ReadPendingAsync(1_000, cancellationToken) ?? throw new InvalidOperationException("nothing captured");
        var bytes = new ChangeBatchEncoder(new ChangeBatchEncoderOptions { Compress = false }).Encode(pending.Batch).Length;
        report.Figure(Name, "wire bytes per one-column update, uncompressed", (double)bytes / pending.Batch.Changes.Count, "bytes");
    }

    private static async Task<string> CreateAsync(string path, CancellationToken cancellationToken)
    {
        var columns = string.Concat(Enumerable.Range(1, Columns - 1).Select(i => $", c{i} TEXT"));
        await BenchDatabase.CreateAsync(path, $"CREATE TABLE wide(id INTEGER PRIMARY KEY NOT NULL{columns});", cancellationToken);
        await using var connection = BenchDatabase.Open(path);
        var values = string.Join(", ", Enumerable.Range(1, Columns - 1).Select(i => $"printf('column {i} of row %08d', n.i)"));
        await BenchDatabase.ExecuteAsync(connection, $"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows})
            INSERT INTO wide SELECT n.i, {values} FROM n;
            """, cancellationToken);
        return path;
    }

    /// <summary>Sets column c7 of rows in turn, one autocommit transaction each; returns updates per second.</summary>
    private static async Task<double> UpdateOneColumnAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = BenchDatabase.Open(path);
        await BenchDatabase.ExecuteAsync(connection, "PRAGMA synchronous = NORMAL", cancellationToken);
        await BenchDatabase.ExecuteAsync(connection, "PRAGMA busy_timeout = 60000", cancellationToken);
        await using var update = connection.CreateCommand();
        update.CommandText = "UPDATE wide SET c7 = $value WHERE id = $id";
        var id = update.Parameters.Add("$id", SqliteType.Integer);
        var value = update.Parameters.Add("$value", SqliteType.Text);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Updates; i++)
        {
            id.Value = (long)(i % Rows + 1);
            value.Value = "updated " + i.ToString(CultureInfo.InvariantCulture);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        return Updates / clock.Elapsed.TotalSeconds;
    }
}
