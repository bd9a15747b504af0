using Microsoft.Extensions.Logging;
using NATS.Client.JetStream;

namespace HarmonyLite.Engine.Messaging.Internal;

/// <summary>
/// Creates a JetStream bucket with the configured number of copies. A single server without clustering cannot hold
/// more than one: the bucket is then made with one copy and a warning, as the shard streams are. A cluster with too
/// few servers is an error that says so. Creation is asked again while a forming cluster leaves it unanswered.
/// </summary>
internal static class ReplicatedBucket
{
    /// <param name="what">The bucket, for messages: "key-value bucket harmonylite-changes-leases".</param>
    /// <param name="setting">The configuration key of the copies, for messages.</param>
    /// <exception cref="MessagingException">JetStream refused, or never answered.</exception>
    public static async Task<T> CreateAsync<T>(MessagingConnection connection, int replicas, string what, string setting, ILogger logger,
        Func<int, Task<T>> create, CancellationToken cancellationToken)
    {
        try
        {
            try
            {
                return await JetStreamStartup.AskUntilAnsweredAsync($"Creating the {what}", logger, () => create(replicas), cancellationToken).ConfigureAwait(false);
            }
            catch (NatsJSApiException ex) when (replicas > 1 && ex.Error.ErrCode == JetStreamErrorCodes.StreamReplicasNotSupported)
            {
                logger.LogWarning("The {What} was created with 1 copy instead of {Replicas} ({Setting}): the NATS server is not clustered ({Reason}).", what, replicas, setting, ex.Error.Description);
                return await JetStreamStartup.AskUntilAnsweredAsync($"Creating the {what}", logger, () => create(1), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (NatsJSApiException ex) when (replicas > 1 && ex.Error.ErrCode is JetStreamErrorCodes.ClusterNoPeers or JetStreamErrorCodes.InsufficientResources)
        {
            throw connection.Statistics.Failed(new MessagingRefusedException(MessagingRefusal.LimitReached, what,
                $"The {what} needs {replicas} copies ({setting}) but the NATS cluster cannot place them: {ex.Error.Description}. Lower {setting} to at most the number of JetStream servers, or add servers.", ex));
        }
        catch (Exception ex) when (NatsErrors.IsNats(ex))
        {
            throw connection.Failure(ex, $"Opening the {what}");
        }
    }
}
