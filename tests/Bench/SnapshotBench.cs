using System.Diagnostics;
using System.Globalization;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace HarmonyLite.Bench;

/// <summary>
/// Save and restore throughput of a database of about 500 MB (HARMONYLITE_BENCH_SNAPSHOT_MB to change it) to a
/// directory and to a NATS object store, each beside a plain copy of the same file as a ratio (how many times slower
/// than copying the file). Save includes the consistent copy, hashing, upload and verification; restore includes
/// download, verification, integrity check, swap and capture install.
/// </summary>
public sealed class SnapshotBench : IBenchSuite
{
    private const int RowBytes = 4000;
    private const double Mb = 1024 * 1024;

    public string Name => "snapshot";

    public async Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        var megabytes = int.TryParse(Environment.GetEnvironmentVariable("HARMONYLITE_BENCH_SNAPSHOT_MB"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var mb) && mb > 0 ? mb : 500;
        using var directory = new TempDirectory("harmonylite-bench-snapshot");
        var source = directory.File("source.db");
        var generate = Stopwatch.StartNew();
        await GenerateAsync(source, megabytes, cancellationToken);
        var size = new FileInfo(source).Length;
        report.Note(Name, $"database of {size / Mb:N0} MB generated in {generate.Elapsed.TotalSeconds:N1} s ({directory.Path})");

        // The baseline: what the disk does with a plain copy of the same file.
        var copy = Stopwatch.StartNew();
        File.Copy(source, directory.File("plain-copy.db"));
        copy.Stop();
        File.Delete(directory.File("plain-copy.db"));
        var copyRate = size / Mb / copy.Elapsed.TotalSeconds;
        report.Figure(Name, "plain file copy", copyRate, "MB/s");

        var fileConfig = Config(source, new SnapshotConfig { Store = SnapshotStoreKind.File, File = new SnapshotFileConfig { Path = directory.File("store") } });
        await MeasureAsync(report, "a directory", fileConfig, directory.File("restored-from-directory.db"), size, copyRate, cancellationToken);

        await using var server = await NatsServerProcess.StartAsync(cancellationToken: cancellationToken);
        var natsConfig = Config(source, new SnapshotConfig { Store = SnapshotStoreKind.Nats, Nats = new SnapshotNatsConfig { Bucket = "bench-snapshots" } }) with
        {
            Nats = new NatsConfig { Urls = [server.Url] },
        };
        await MeasureAsync(report, "a NATS object store", natsConfig, directory.File("restored-from-nats.db"), size, copyRate, cancellationToken);
    }

    private async Task MeasureAsync(BenchReport report, string store, HarmonyConfig config, string restorePath, long size, double copyRate, CancellationToken cancellationToken)
    {
        SnapshotMetadata saved;
        var save = Stopwatch.StartNew();
        await using (var service = await SnapshotService.OpenAsync(config, NullLoggerFactory.Instance, cancellationToken))
            saved = await service.SaveAsync(cancellationToken);
        save.Stop();
        var saveRate = size / Mb / save.Elapsed.TotalSeconds;
        report.Figure(Name, $"save to {store} (copy, hash, store, verify)", saveRate, "MB/s", $"{copyRate / saveRate:N1}x the time of a plain copy; snapshot {saved.Size / Mb:N0} MB");

        var restore = Stopwatch.StartNew();
        await using (var service = await SnapshotService.OpenAsync(config with { DbPath = restorePath, NodeId = 2 }, NullLoggerFactory.Instance, cancellationToken))
            await service.RestoreAsync(saved.Id, cancellationToken);
        restore.Stop();
        var restoreRate = size / Mb / restore.Elapsed.TotalSeconds;
        report.Figure(Name, $"restore from {store} (fetch, verify, check, swap)", restoreRate, "MB/s", $"{copyRate / restoreRate:N1}x the time of a plain copy");
        File.Delete(restorePath);
    }

    private static HarmonyConfig Config(string databasePath, SnapshotConfig snapshot) => new() { DbPath = databasePath, NodeId = 1, Snapshot = snapshot };

    private static async Task GenerateAsync(string path, int megabytes, CancellationToken cancellationToken)
    {
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            // Random (incompressible) payloads, like a database of documents; written in one transaction.
            command.CommandText = $"""
                PRAGMA journal_mode = WAL;
                CREATE TABLE documents(id INTEGER PRIMARY KEY, title TEXT NOT NULL, body BLOB NOT NULL);
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {(long)megabytes * 1024 * 1024 / RowBytes})
                INSERT INTO documents(id, title, body) SELECT i, 'document ' || i, randomblob({RowBytes}) FROM n;
                PRAGMA wal_checkpoint(TRUNCATE);
                """;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var installer = await CaptureInstaller.OpenAsync(path, 1, null, cancellationToken);
        await installer.InstallAsync(cancellationToken);
    }
}
