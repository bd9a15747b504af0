using HarmonyLite.Engine.Messaging;
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
    public static async Task<T> CreateAsync<T>(int replicas, string what, string setting, ILogger logger, Func<int, Task<T>> create, CancellationToken cancellationToken)
    {
        try
        {
            return await JetStreamStartup.AskUntilAnsweredAsync($"Creating the {what}", logger, () => create(replicas), cancellationToken).ConfigureAwait(false);
        }
        catch (JetStreamApiException ex) when (replicas > 1 && ex.ErrorCode == JetStreamErrorCode.StreamReplicasNotSupported)
        {
            logger.LogWarning("The {What} was created with 1 copy instead of {Replicas} ({Setting}): the NATS server is not clustered ({Reason}).", what, replicas, setting, ex.Description);
            return await JetStreamStartup.AskUntilAnsweredAsync($"Creating the {what}", logger, () => create(1), cancellationToken).ConfigureAwait(false);
        }
        catch (JetStreamApiException ex) when (replicas > 1 && ex.ErrorCode is JetStreamErrorCode.ClusterNoPeers or JetStreamErrorCode.InsufficientResources)
        {
            throw new InvalidOperationException($"The {what} needs {replicas} copies ({setting}) but the NATS cluster cannot place them: {ex.Description}. Lower {setting} to at most the number of JetStream servers, or add servers.", ex);
        }
    }
}
