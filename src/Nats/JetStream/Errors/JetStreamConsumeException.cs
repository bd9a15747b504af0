namespace HarmonyLite.Nats.JetStream;

/// <summary>
/// Pulling from a consumer failed for good: the server reported a status that another pull cannot fix
/// (consumer deleted, consumer is push based, request exceeds the consumer's limits, bad request).
/// </summary>
public sealed class JetStreamConsumeException : NatsException
{
    public JetStreamConsumeException(string stream, string consumer, int statusCode, string? statusDescription, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Stream = stream;
        Consumer = consumer;
        StatusCode = statusCode;
        StatusDescription = statusDescription;
    }

    public string Stream { get; }
    public string Consumer { get; }

    /// <summary>The status the server sent on the pull inbox (409, 400, ...), or the API error code when the consumer was found gone.</summary>
    public int StatusCode { get; }

    public string? StatusDescription { get; }
}
