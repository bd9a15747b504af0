namespace HarmonyLite.Nats.JetStream;

/// <summary>
/// The JetStream API (or a publish) answered with an error. <see cref="ErrorCode"/> identifies the kind
/// (see <see cref="JetStreamErrorCode"/>), <see cref="Code"/> is the HTTP-like class (400, 404, 503, ...).
/// </summary>
public sealed class JetStreamApiException : NatsException
{
    public JetStreamApiException(int code, int errorCode, string description, string subject)
        : base($"JetStream refused the request on '{subject}': {description} (code {code}, err_code {errorCode}).")
    {
        Code = code;
        ErrorCode = errorCode;
        Description = description;
        Subject = subject;
    }

    /// <summary>HTTP-like status: 400 bad request, 404 not found, 500 server error, 503 unavailable.</summary>
    public int Code { get; }

    /// <summary>The JetStream error identifier; compare with <see cref="JetStreamErrorCode"/> constants.</summary>
    public int ErrorCode { get; }

    public string Description { get; }

    /// <summary>The API or publish subject the request went to.</summary>
    public string Subject { get; }
}
