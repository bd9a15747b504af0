using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using NATS.Client.ObjectStore;

namespace HarmonyLite.Engine.Messaging.Internal;

/// <summary>
/// Turns what NATS.Net throws into the engine's <see cref="MessagingException"/>s: one place that knows the client's
/// exception types, so nothing outside Messaging names them.
/// </summary>
internal static class NatsErrors
{
    /// <summary>Whether <paramref name="exception"/> comes from the NATS client (and so is translated).</summary>
    public static bool IsNats(Exception exception) => exception is NatsException or ObjectDisposedException;

    /// <summary>The JetStream API error code of a refused request; null for any other failure.</summary>
    public static int? ApiErrorCode(Exception exception) => exception is NatsJSApiException api ? api.Error.ErrCode : null;

    /// <summary>A request JetStream did not answer: it timed out, or the cluster is "temporarily unavailable" (no meta leader yet).</summary>
    public static bool IsUnanswered(Exception exception) =>
        exception is NatsJSApiNoResponseException or NatsJSPublishNoResponseException or NatsNoReplyException or NatsTimeoutException or NatsJSTimeoutException
        || ApiErrorCode(exception) == JetStreamErrorCodes.ClusterNotAvailable;

    /// <param name="what">What was being done, e.g. "Reading stream harmonylite-changes-1".</param>
    /// <param name="server">The server the connection uses, for the message.</param>
    public static MessagingException Translate(Exception exception, string what, string server) => exception switch
    {
        MessagingException translated => translated,
        NatsJSApiException api => FromApiError(api, what, server),
        NatsNoRespondersException => new MessagingRefusedException(MessagingRefusal.NotEnabled, what,
            $"{what}: nothing answers JetStream requests on {server}. Check that the server runs with JetStream enabled (a jetstream block in its configuration) and that the account may use it.", exception),
        _ when IsUnanswered(exception) => new MessagingUnavailableException(
            $"{what}: JetStream on {server} did not answer in time. Check that the server (or a majority of its cluster) is up; a cluster that is still forming answers within a minute.", exception),
        NatsServerException { IsAuthError: true } server1 => new MessagingAuthenticationException(server,
            $"{what}: {server} refused the client's credentials ({ServerSaid(server1)}). Check nats.user_name/nats.user_password, the token or user:password in nats.urls, or nats.seed_file.", exception),
        NatsServerException denied when denied.Error.Contains("permission", StringComparison.OrdinalIgnoreCase) => new MessagingAuthenticationException(server,
            $"{what}: {server} denied it ({ServerSaid(denied)}). Check the permissions of the NATS user HarmonyLite connects as: it publishes and subscribes to its subjects, $JS.API.> and _INBOX.>.", exception),
        NatsJSProtocolException { HeaderCode: 409 } gone when gone.HeaderMessageText?.Contains("deleted", StringComparison.OrdinalIgnoreCase) == true =>
            new MessagingRefusedException(MessagingRefusal.NotFound, what, $"{what}: the consumer was deleted on {server} ({gone.HeaderMessageText}).", exception),
        NatsKVException or NatsObjException => new MessagingRefusedException(MessagingRefusal.Other, what, $"{what}: {exception.Message}", exception),
        _ => new MessagingUnavailableException($"{what}: the NATS connection to {server} failed ({exception.Message}); it reconnects by itself.", exception),
    };

    /// <summary>What the server said, as it said it (NATS.Net lower-cases <see cref="NatsServerException.Error"/>).</summary>
    public static string ServerSaid(NatsServerException exception) =>
        exception.Message.StartsWith("Server error: ", StringComparison.Ordinal) ? exception.Message["Server error: ".Length..] : exception.Error;

    private static MessagingException FromApiError(NatsJSApiException api, string what, string server)
    {
        var error = api.Error;
        var said = $"{error.Description} (JetStream error {error.ErrCode}, status {error.Code})";
        return error.ErrCode switch
        {
            JetStreamErrorCodes.ClusterNotAvailable or JetStreamErrorCodes.StreamOffline => new MessagingUnavailableException(
                $"{what}: JetStream on {server} is not available now: {said}. Check that a majority of the cluster's servers is up.", api),
            JetStreamErrorCodes.StreamNotFound or JetStreamErrorCodes.ConsumerNotFound or JetStreamErrorCodes.NoMessageFound =>
                new MessagingRefusedException(MessagingRefusal.NotFound, what, $"{what}: {said}.", api),
            JetStreamErrorCodes.InsufficientResources or JetStreamErrorCodes.StorageResourcesExceeded or JetStreamErrorCodes.MaximumConsumersLimit
                or JetStreamErrorCodes.MaximumStreamsLimit or JetStreamErrorCodes.ClusterNoPeers or JetStreamErrorCodes.StreamReplicasNotSupported =>
                new MessagingRefusedException(MessagingRefusal.LimitReached, what,
                    $"{what}: {server} has no room for it: {said}. Check the account's JetStream limits and the servers' disk, or lower the replicas.", api),
            JetStreamErrorCodes.JetStreamNotEnabled or JetStreamErrorCodes.JetStreamNotEnabledForAccount =>
                new MessagingRefusedException(MessagingRefusal.NotEnabled, what, $"{what}: {said}. Enable JetStream on {server} for the account HarmonyLite uses.", api),
            _ when error.Code == 404 => new MessagingRefusedException(MessagingRefusal.NotFound, what, $"{what}: {said}.", api),
            _ => new MessagingRefusedException(MessagingRefusal.Other, what, $"{what}: JetStream on {server} refused it: {said}.", api),
        };
    }
}
