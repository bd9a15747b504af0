using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Sqlite;
using HarmonyLite.Nats.JetStream;

namespace HarmonyLite.Engine.Node;

/// <summary>
/// Shard status without a running node in this process: the positions stored in the database and the streams'
/// ranges from NATS (<c>nats.urls</c>, or the node's embedded server at a fixed <c>nats.bind_address</c>).
/// </summary>
public static class ShardStatusReader
{
    /// <exception cref="NatsServerUnknownException">The node's NATS cannot be found or reached.</exception>
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

        var topology = ReplicationTopology.From(config);
        await using var nats = await NodeNatsConnector.ConnectAsync(config, null, cancellationToken).ConfigureAwait(false);
        var jetStream = new JetStreamContext(nats);
        var result = new List<ShardStatus>();
        foreach (var shard in topology.ShardNumbers)
        {
            var stream = topology.StreamName(shard);
            ulong first = 0, last = 0;
            try
            {
                var info = await jetStream.GetStreamInfoAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                (first, last) = (info.State.FirstSequence, info.State.LastSequence);
            }
            catch (JetStreamApiException ex) when (ex.ErrorCode == JetStreamErrorCode.StreamNotFound)
            {
                // No node has published on this shard yet.
            }
            result.Add(new ShardStatus(shard, stream, first, last, positions.GetValueOrDefault(stream)));
        }
        return result;
    }
}
