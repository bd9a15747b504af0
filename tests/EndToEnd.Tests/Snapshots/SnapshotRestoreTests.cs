using System.Text.RegularExpressions;
using HarmonyLite.EndToEnd.Tests.Harness;
using NATS.Client.Core;
using NATS.Client.JetStream;
using HarmonyLite.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace HarmonyLite.EndToEnd.Tests.Snapshots;

/// <summary>
/// Nodes that can no longer replay the stream (it dropped the messages they miss) start from a snapshot instead and
/// end identical to the others. Each test writes to its own table (and counts only its rows), so they share one cluster.
/// </summary>
public sealed class SnapshotRestoreTests : IClassFixture<SnapshotClusterFixture>
{
    /// <summary>More messages than the stream keeps, so its first sequence passes any position from before them.</summary>
    private const int Writes = 2 * (int)SnapshotClusterFixture.MaxEntries + 5;

    /// <summary>The end of the line the node logs once it restored a snapshot at start.</summary>
    private const string NodeRestoredLine = "; resuming from its positions";

    private readonly SnapshotClusterFixture _fixture;
    private readonly ClusterHarness _cluster;
    private readonly ITestOutputHelper _output;

    public SnapshotRestoreTests(SnapshotClusterFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _cluster = fixture.Cluster;
        _output = output;
    }

    [Fact]
    public async Task A_node_offline_while_the_stream_drops_old_messages_restores_the_snapshot_on_restart_and_converges()
    {
        await _cluster[1].Database.ExecuteAsync("INSERT INTO notes(id, body) VALUES (0, 'before node 3 stopped');");
        await _cluster.WaitForCountAsync("notes", 1);
        await _cluster.WaitConvergedAsync("before node 3 stopped");

        var node3 = _cluster[3];
        Assert.Equal(0, await node3.StopAsync());
        var digestWhenStopped = (await node3.Database.DigestAsync()).Sha256;

        await WriteMessageByMessageAsync(_cluster[1], "INSERT INTO notes(id, body) VALUES ($i, 'note ' || $i)");
        await _cluster.WaitForCountAsync("notes", Writes + 1, "1", _cluster[1], _cluster[2]);
        var snapshot = await SaveSnapshotAsync(_cluster[2]);
        Assert.Equal(digestWhenStopped, (await node3.Database.DigestAsync()).Sha256);

        var restarted = node3.Log.Mark();
        await node3.StartAsync();
        AssertRestoredOneSnapshot(node3, restarted, snapshot);
        Assert.Contains(node3.Log.LinesSince(restarted), l => l.Contains("no longer holds the messages", StringComparison.Ordinal));

        await _cluster.WaitForCountAsync("notes", Writes + 1);
        await _cluster.WaitConvergedAsync("node 3 restored and caught up");

        // Still a full member: its writes reach the others.
        await node3.Database.ExecuteAsync("INSERT INTO notes(id, body) VALUES (-3, 'written on node 3 after its restore');");
        await _cluster.WaitForCountAsync("notes", 1, "id = -3");
        await _cluster.WaitConvergedAsync("a write of node 3 after its restore");
    }

    [Fact]
    public async Task A_fresh_node_with_only_the_schema_restores_the_snapshot_instead_of_replaying_a_truncated_stream()
    {
        await WriteMessageByMessageAsync(_cluster[2], "INSERT INTO readings(id, value) VALUES ($i, $i * 0.5)");
        await _cluster.WaitForCountAsync("readings", Writes);
        var snapshot = await SaveSnapshotAsync(_cluster[1]);

        var newcomer = await _cluster.AddNodeAsync(_fixture.NodeSettings, SnapshotClusterFixture.Schema);
        Assert.Equal(0, await newcomer.Database.CountAsync("readings"));
        var started = newcomer.Log.Mark();
        await newcomer.StartAsync();
        AssertRestoredOneSnapshot(newcomer, started, snapshot);
        Assert.Contains(newcomer.Log.LinesSince(started), l => l.Contains("no longer holds the messages", StringComparison.Ordinal));

        await _cluster.WaitForCountAsync("readings", Writes);
        await _cluster.WaitConvergedAsync("the newcomer restored and caught up");
        await _cluster[1].Database.ExecuteAsync("INSERT INTO readings(id, value) VALUES (-1, 42);");
        await _cluster.WaitForCountAsync("readings", 1, "id = -1");
        await _cluster.WaitConvergedAsync("a write after the newcomer joined");
    }

    [Fact]
    public async Task A_snapshot_saved_while_an_application_keeps_inserting_is_whole_and_a_newcomer_catches_up_to_the_source()
    {
        var source = _cluster[1];
        using var stopWriting = new CancellationTokenSource();
        var inserted = 0;
        var writer = Task.Run(async () =>
        {
            // An application of its own, one row per transaction, as fast as it can, through the save and beyond.
            await using var connection = source.Database.Open();
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO events(id, payload) VALUES ($i, printf('event %d', $i))";
            var i = insert.Parameters.Add("$i", Microsoft.Data.Sqlite.SqliteType.Integer);
            while (!stopWriting.IsCancellationRequested)
            {
                i.Value = inserted + 1;
                await insert.ExecuteNonQueryAsync();
                inserted++;
            }
        });

        using var work = new TempDirectory("harmonylite-e2e-under-writes");
        var copyPath = work.File("under-writes.db");
        string underWrites;
        int insertedBySave;
        try
        {
            await _cluster.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref inserted) >= 200 || writer.IsCompleted), "the application inserting its first 200 rows");
            underWrites = await SaveSnapshotAsync(source);
            insertedBySave = Volatile.Read(ref inserted);
            // Copied at once: the other nodes save snapshots of their own as the short streams run ahead of them, and
            // snapshot.keep = 3 soon deletes this one.
            File.Copy(Path.Combine(_fixture.SnapshotDirectory, SavedId(underWrites) + ".db"), copyPath);
            await _cluster.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref inserted) >= insertedBySave + 200 || writer.IsCompleted), "the application inserting 200 rows after the save");
        }
        finally
        {
            // Stopped whatever happened: an application left writing disturbs the fixture's later tests.
            await stopWriting.CancelAsync();
            await writer;
        }
        _output.WriteLine($"{inserted} rows inserted, {insertedBySave} of them by the end of the save: {underWrites}");

        // Whole: the copy taken under writes is a sound database holding a prefix of the application's transactions.
        var copy = new NodeDatabase(copyPath);
        Assert.Equal("ok", await copy.ScalarAsync("PRAGMA integrity_check"));
        var (rows, greatest) = ((long)(await copy.ScalarAsync("SELECT count(*) FROM events"))!, (long)(await copy.ScalarAsync("SELECT max(id) FROM events"))!);
        Assert.True(rows == greatest && rows >= 200 && rows <= insertedBySave, $"the snapshot holds {rows} rows up to id {greatest}, of {insertedBySave} inserted by the end of the save");

        // Catching up: the streams keep 10 messages, and the application's burst pushes any snapshot taken under it out
        // of them (a newcomer rightly refuses it). Once the source has applied a write of node 2 made after the burst,
        // the positions it stores cover the burst: a snapshot of it then is what a newcomer restores and catches up from.
        await _cluster[2].Database.ExecuteAsync("INSERT INTO events(id, payload) VALUES (-1, 'after the burst');");
        await _cluster.WaitForCountAsync("events", 1, "id = -1", source);
        var quiet = await SaveSnapshotAsync(source);
        var newcomer = await _cluster.AddNodeAsync(_fixture.NodeSettings, SnapshotClusterFixture.Schema);
        var started = newcomer.Log.Mark();
        await newcomer.StartAsync();
        AssertRestoredOneSnapshot(newcomer, started, quiet);
        Assert.Equal("ok", await newcomer.Database.ScalarAsync("PRAGMA integrity_check"));

        await _cluster.WaitForCountAsync("events", inserted + 1);
        await _cluster.WaitConvergedAsync("the newcomer restored a snapshot and caught up");
    }

    [Fact]
    public async Task A_newcomer_refuses_a_damaged_snapshot_and_restores_the_next_newest_instead()
    {
        await _cluster[1].Database.ExecuteAsync("INSERT INTO refusals(id, body) VALUES (1, 'in both snapshots');");
        await _cluster.WaitForCountAsync("refusals", 1);
        var older = SavedId(await SaveSnapshotAsync(_cluster[1]));
        var damaged = SavedId(await SaveSnapshotAsync(_cluster[2]));
        var damagedFile = Path.Combine(_fixture.SnapshotDirectory, damaged + ".db");
        await using (var file = new FileStream(damagedFile, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = file.Length / 2;
            var middle = new byte[16];
            file.ReadExactly(middle);
            file.Position = file.Length / 2;
            file.Write(middle.Select(b => (byte)~b).ToArray());
        }

        var newcomer = await _cluster.AddNodeAsync(_fixture.NodeSettings, SnapshotClusterFixture.Schema);
        var started = newcomer.Log.Mark();
        await newcomer.StartAsync();
        Assert.Contains(newcomer.Log.LinesSince(started), l => l.Contains($"Refused snapshot {damaged}", StringComparison.Ordinal));
        AssertRestoredOneSnapshot(newcomer, started, older);
        Assert.Contains(newcomer.Log.LinesSince(started), l => l.Contains($"Restored snapshot {older} ", StringComparison.Ordinal));

        await _cluster.WaitConvergedAsync("the newcomer restored the older snapshot and caught up");
    }

    [Fact]
    public async Task A_newcomer_whose_database_an_application_holds_open_refuses_to_restore_and_restores_once_it_is_closed()
    {
        await _cluster[1].Database.ExecuteAsync("INSERT INTO holds(id, body) VALUES (1, 'in the snapshot');");
        await _cluster.WaitForCountAsync("holds", 1);
        var saved = SavedId(await SaveSnapshotAsync(_cluster[1]));
        var newcomer = await _cluster.AddNodeAsync(_fixture.NodeSettings, SnapshotClusterFixture.Schema);

        await using (var shell = await OpenSqliteShell.OpenAsync(newcomer.Database.Path))
        {
            Assert.Equal("0", await shell.QueryLineAsync("SELECT count(*) FROM holds;"));

            var refused = newcomer.Launch();
            await _cluster.WaitUntilAsync(() => Task.FromResult(!newcomer.IsRunning), $"node {newcomer.Id} giving up on a restore while sqlite3 (pid {shell.ProcessId}) holds its database");
            var lines = newcomer.Log.LinesSince(refused);
            Assert.Contains(lines, l => l.Contains("Cannot restore", StringComparison.Ordinal) && l.Contains($"pid {shell.ProcessId}", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains(NodeRestoredLine, StringComparison.Ordinal));
            Assert.Equal(0, await newcomer.Database.CountAsync("holds"));
        }

        var started = newcomer.Log.Mark();
        await newcomer.StartAsync();
        AssertRestoredOneSnapshot(newcomer, started, saved);
        await _cluster.WaitConvergedAsync("the newcomer restored once the application let go of its database");
    }

    [Fact]
    public async Task A_running_node_that_falls_behind_what_the_stream_keeps_merges_a_snapshot_while_an_application_holds_its_database()
    {
        await _cluster[1].Database.ExecuteAsync("INSERT INTO lags(id, body) VALUES (0, 'before the newcomer fell behind');");
        await _cluster.WaitForCountAsync("lags", 1);
        var newcomer = await _cluster.AddNodeAsync(_fixture.NodeSettings, SnapshotClusterFixture.Schema);
        await newcomer.StartAsync();
        await _cluster.WaitForCountAsync("lags", 1);

        // The sqlite3 shell keeps the newcomer's database open throughout, as an application would: no file can be swapped.
        await using var shell = await OpenSqliteShell.OpenAsync(newcomer.Database.Path);
        var frozen = newcomer.ProcessId ?? throw new InvalidOperationException($"node {newcomer.Id} is not running");
        try
        {
            Assert.Equal("1", await shell.QueryLineAsync("SELECT count(*) FROM lags;"));

            // Frozen, the node renews no pull request: once its last one expires the server delivers it nothing, and
            // node 1 writes until the stream has dropped messages the newcomer was never handed.
            PosixSignal.Freeze(frozen);
            await using var nats = new NatsConnection(new NatsOpts { Url = _cluster[1].NatsUrl!, Name = "e2e-lag-test" });
            var jetStream = new NatsJSContext(nats);
            const string Stream = "harmonylite-changes-1";
            var written = 0;
            await using (var connection = _cluster[1].Database.Open())
            {
                await _cluster.WaitUntilAsync(async () =>
                {
                    await using (var insert = connection.CreateCommand())
                    {
                        insert.CommandText = $"INSERT INTO lags(id, body) VALUES ({++written}, 'written while node {newcomer.Id} was frozen')";
                        await insert.ExecuteNonQueryAsync();
                    }
                    await _cluster.WaitUntilAsync(() => _cluster[1].Database.HasPublishedEverythingAsync(), $"node 1 publishing row {written}");
                    var delivered = (await jetStream.GetConsumerAsync(Stream, $"harmonylite-node-{newcomer.Id}")).Info.Delivered.StreamSeq;
                    return delivered + 1 < (await jetStream.GetStreamAsync(Stream)).Info.State.FirstSeq;
                }, $"{Stream} dropping messages never delivered to the frozen node {newcomer.Id}", TimeSpan.FromSeconds(150));
            }
            var snapshot = SavedId(await SaveSnapshotAsync(_cluster[1]));

            var resumed = newcomer.Log.Mark();
            PosixSignal.Continue(frozen);
            await _cluster.WaitForCountAsync("lags", written + 1);
            await _cluster.WaitConvergedAsync($"node {newcomer.Id} caught up from a snapshot while running");
            Assert.Equal(frozen, newcomer.ProcessId);
            var lines = newcomer.Log.LinesSince(resumed);
            Assert.Contains(lines, l => l.Contains("before this node applied them", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains($"Merged snapshot {snapshot} ", StringComparison.Ordinal));
            _output.WriteLine($"{written} rows written while node {newcomer.Id} was frozen");

            Assert.Equal((written + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), await shell.QueryLineAsync("SELECT count(*) FROM lags;"));
        }
        finally
        {
            PosixSignal.Continue(frozen);
        }
    }

    /// <summary>The id in "… Saved snapshot ID of …", the line -save-snapshot prints.</summary>
    private static string SavedId(string saved) => Regex.Match(saved, @"Saved snapshot (\S+) of ").Groups[1].Value is { Length: > 0 } id
        ? id : throw new InvalidOperationException($"-save-snapshot did not name the snapshot it saved: {saved}");

    private void AssertRestoredOneSnapshot(NodeProcess node, long startedAt, string saved)
    {
        var restoreLines = node.Log.LinesSince(startedAt).Where(l => l.Contains(NodeRestoredLine, StringComparison.Ordinal)).ToList();
        Assert.True(restoreLines.Count == 1, $"node {node.Id} should have restored one snapshot when it started (saved: {saved}); its log:\n{node.Log.Tail(40)}");
        _output.WriteLine(restoreLines[0]);
    }

    /// <summary>
    /// One row per transaction, each published before the next is written: the publisher puts every change pending
    /// at once into one message, so only this makes each row its own stream message.
    /// </summary>
    private async Task WriteMessageByMessageAsync(NodeProcess node, string insert)
    {
        await using var connection = node.Database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = insert;
        var i = command.Parameters.Add("$i", Microsoft.Data.Sqlite.SqliteType.Integer);
        for (var row = 1; row <= Writes; row++)
        {
            i.Value = row;
            await command.ExecuteNonQueryAsync();
            await _cluster.WaitUntilAsync(() => node.Database.HasPublishedEverythingAsync(), $"node {node.Id} publishing row {row}");
        }
    }

    /// <summary>
    /// <c>harmonylite -config node.toml -save-snapshot</c> against a node that holds every write, so the snapshot's
    /// positions are past the stream's first sequence; returns what it printed.
    /// </summary>
    private async Task<string> SaveSnapshotAsync(NodeProcess node)
    {
        var run = await HarmonyliteExecutable.RunAsync(node.Directory, "-config", node.ConfigPath, "-save-snapshot");
        Assert.True(run.ExitCode == 0, $"-save-snapshot on node {node.Id} failed: {run}");
        Assert.NotEmpty(Directory.EnumerateFiles(_fixture.SnapshotDirectory, "*.json"));
        return run.Error.Trim();
    }
}
