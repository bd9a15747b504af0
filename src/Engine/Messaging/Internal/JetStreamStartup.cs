using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Messaging.Internal;

/// <summary>
/// Asks the JetStream requests a node makes while it starts (stream and bucket creation) until they are answered.
/// A cluster whose servers start together has no meta leader for a few seconds, and a meta leader handling an identical
/// create from another node leaves the duplicates unanswered: both look like a request that timed out or a cluster
/// "temporarily unavailable". These requests are idempotent, so asking again is safe.
/// </summary>
internal static class JetStreamStartup
{
    /// <summary>How long a start waits for JetStream to answer before it fails.</summary>
    public static readonly TimeSpan AnswerDeadline = TimeSpan.FromSeconds(60);

    private static readonly Common.Backoff RetryBackoff = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2));

    /// <summary>Runs <paramref name="request"/>, asking again while JetStream does not answer, for up to <see cref="AnswerDeadline"/>.</summary>
    public static async Task<T> AskUntilAnsweredAsync<T>(string what, ILogger logger, Func<Task<T>> request, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await request().ConfigureAwait(false);
            }
            catch (Exception ex) when (NatsErrors.IsUnanswered(ex) && DateTime.UtcNow - started < AnswerDeadline)
            {
                cancellationToken.ThrowIfCancellationRequested();
                logger.LogWarning("{What}: JetStream did not answer ({Error}); the cluster may still be forming, asking again", what, ex.Message);
                await RetryBackoff.WaitAsync(attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
