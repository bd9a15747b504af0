namespace HarmonyLite.Nats;

/// <summary>
/// The server refused the credentials ("Authorization Violation", "User Authentication Expired", ...).
/// Retrying with the same credentials cannot succeed, so connecting fails fast with this error.
/// </summary>
public sealed class NatsAuthorizationException : NatsConnectionException
{
    public NatsAuthorizationException(string message, string serverError) : base(message) => ServerError = serverError;

    /// <summary>The server's -ERR text, without quotes.</summary>
    public string ServerError { get; }
}
