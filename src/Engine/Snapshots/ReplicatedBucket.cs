using HarmonyLite.Nats;
using HarmonyLite.Nats.JetStream;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Snapshots;

/// <summary>
/// Creates a JetStream bucket with the configured number of copies. A single server without clustering cannot hold
/// more than one: the bucket is then made with one copy and a warning, as the shard streams are. A cluster with too
/// few servers is an error that says so.
/// </summary>
internal static class ReplicatedBucket
{
    /// <summary>Tries a create that got no reply this many times in all before giving up.</summary>
    private const int TimedOutAttempts = 4;

    public static async Task<T> CreateAsync<T>(int replicas, string what, string setting, ILogger logger, Func<int, Task<T>> create, CancellationToken cancellationToken)
    {
        try
        {
            return await CreateRetryingTimeoutsAsync(replicas, what, logger, create, cancellationToken).ConfigureAwait(false);
        }
        catch (JetStreamApiException ex) when (replicas > 1 && ex.ErrorCode == JetStreamErrorCode.StreamReplicasNotSupported)
        {
            logger.LogWarning("The {What} was created with 1 copy instead of {Replicas} ({Setting}): the NATS server is not clustered ({Reason}).", what, replicas, setting, ex.Description);
            return await CreateRetryingTimeoutsAsync(1, what, logger, create, cancellationToken).ConfigureAwait(false);
        }
        catch (JetStreamApiException ex) when (replicas > 1 && ex.ErrorCode is JetStreamErrorCode.ClusterNoPeers or JetStreamErrorCode.InsufficientResources)
        {
            throw new InvalidOperationException($"The {what} needs {replicas} copies ({setting}) but the NATS cluster cannot place them: {ex.Description}. Lower {setting} to at most the number of JetStream servers, or add servers.", ex);
        }
    }

    /// <summary>
    /// Nodes of a cluster started together all create the same replicated bucket at once, and the JetStream meta leader
    /// leaves the requests that arrive while an identical create is in flight unanswered. Creating is idempotent (the
    /// same configuration returns the existing bucket), so a create that got no reply is simply asked again.
    /// </summary>
    private static async Task<T> CreateRetryingTimeoutsAsync<T>(int replicas, string what, ILogger logger, Func<int, Task<T>> create, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await create(replicas).ConfigureAwait(false);
            }
            catch (NatsTimeoutException ex) when (attempt < TimedOutAttempts)
            {
                logger.LogWarning("Creating the {What} got no reply (attempt {Attempt} of {Attempts}): {Error} Asking again.", what, attempt, TimedOutAttempts, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
