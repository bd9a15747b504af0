using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Codec.Wire;
using HarmonyLite.Engine.Common;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Consuming;

/// <summary>
/// Applies quarantined messages again when they may have been cured. Most are quarantined for a schema that lags
/// behind the other nodes (a table or column not created here yet), so every quarantined message is retried at start
/// and after each schema change of the database, and otherwise every <see cref="RetryInterval"/> (a constraint or a
/// clock can come right without a schema change); one that applies leaves the quarantine. Row versions decide as for
/// any message, so a change that later ones superseded while it waited stays superseded.
/// </summary>
public sealed class QuarantineRetrier
{
    /// <summary>How often the schema version is compared with the one of the last retry.</summary>
    public static readonly TimeSpan SchemaCheckInterval = TimeSpan.FromSeconds(2);

    /// <summary>How often every quarantined message is tried again without a schema change.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromMinutes(1);

    private readonly ChangeApplier _applier;
    private readonly QuarantineStore _quarantine;
    private readonly ChangeBatchDecoder _decoder = new();
    private readonly NodeCounters _counters;
    private readonly ILogger _logger;

    /// <param name="applier">Its own: an applier is not shared between loops.</param>
    /// <param name="quarantine">Its own connection to the quarantine table.</param>
    public QuarantineRetrier(ChangeApplier applier, QuarantineStore quarantine, NodeCounters counters, ILogger logger)
    {
        _applier = applier;
        _quarantine = quarantine;
        _counters = counters;
        _logger = logger;
    }

    /// <summary>Retries at once, then after every schema change, until cancelled.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        long? retriedAtSchema = null;
        var retriedAt = Environment.TickCount64;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var schema = await _quarantine.ReadSchemaVersionAsync(stopping).ConfigureAwait(false);
                if (schema != retriedAtSchema || Environment.TickCount64 - retriedAt >= (long)RetryInterval.TotalMilliseconds)
                {
                    retriedAtSchema = schema;
                    retriedAt = Environment.TickCount64;
                    await RetryAllAsync(stopping).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (SqliteErrors.IsBusy(ex) && !stopping.IsCancellationRequested)
            {
                retriedAtSchema = null; // an application holds the write lock: try again next round
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Never worth stopping replication for: the messages wait for the next schema change or restart.
                _logger.LogWarning("Retrying the quarantined messages failed: {Error}", ex.Message);
            }
            try
            {
                await Task.Delay(SchemaCheckInterval, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Tries every quarantined message once; returns how many applied and left the quarantine.</summary>
    public async Task<int> RetryAllAsync(CancellationToken cancellationToken)
    {
        var applied = 0;
        foreach (var entry in await _quarantine.ListAsync(null, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                var result = await _applier.ReapplyAsync(_decoder.Decode(entry.Message), entry.Stream, entry.Sequence, cancellationToken).ConfigureAwait(false);
                // Deleted after the commit: a crash in between applies it once more, which the row versions make harmless.
                await _quarantine.DeleteAsync(entry.Id, cancellationToken).ConfigureAwait(false);
                _counters.Applied();
                applied++;
                _logger.LogInformation("Applied quarantined {Stream} #{Sequence} ({Applied} changes, {Superseded} superseded by newer versions); it left the quarantine",
                    entry.Stream, entry.Sequence, result.AppliedChanges, result.SupersededChanges);
            }
            catch (Exception ex) when (ShardConsumer.IsMessageProblem(ex) && !SqliteErrors.IsBusy(ex))
            {
                await _quarantine.AddAsync(entry.Stream, entry.Sequence, entry.Message, ex.Message, entry.Attempts + 1, cancellationToken).ConfigureAwait(false);
                _logger.LogDebug("Quarantined {Stream} #{Sequence} still fails: {Error}", entry.Stream, entry.Sequence, ex.Message);
            }
        }
        return applied;
    }
}
