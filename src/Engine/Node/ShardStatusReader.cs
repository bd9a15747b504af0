using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Sqlite;

namespace HarmonyLite.Engine.Node;

/// <summary>
/// Shard status without a running node in this process: the positions stored in the database and the streams'
/// ranges from NATS (<c>nats.urls</c>, or the node's embedded server at a fixed <c>nats.bind_address</c>).
/// </summary>
public static class ShardStatusReader
{
    /// <exception cref="MessagingException">The node's NATS cannot be found or reached.</exception>
    public static async Task<IReadOnlyList<ShardStatus>> ReadAsync(HarmonyConfig config, CancellationToken cancellationToken)
    {
        var db = config.DbPath;
        if (!File.Exists(db)) throw new FileNotFoundException($"The database {db} (db_path) does not exist.", db);
        IReadOnlyDictionary<string, ulong> positions = new Dictionary<string, ulong>();
        await using (var connection = await SqliteConnectionFactory.OpenAsync(db, null, cancellationToken).ConfigureAwait(false))
        {
            // Without capture installed the node never applied anything: every position is 0.
            if (await SqliteSchemaReader.TableExistsAsync(connection, CaptureArtifactNames.StreamPositions, cancellationToken).ConfigureAwait(false))
                positions = await StreamPositionTable.ReadAllAsync(connection, cancellationToken).ConfigureAwait(false);
        }

        await using var nats = await MessagingConnector.ConnectToNodeAsync(config, null, cancellationToken).ConfigureAwait(false);
        var log = nats.OpenReplicationLog(ReplicationTopology.From(config), config.ReplicationLog, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        // A shard no node has published on yet has no stream: its range is empty.
        var ranges = await log.ReadRangesAsync(cancellationToken).ConfigureAwait(false);
        return ranges.Select((range, i) => new ShardStatus(i + 1, range.Stream, range.FirstSequence, range.LastSequence, positions.GetValueOrDefault(range.Stream))).ToList();
    }
}
