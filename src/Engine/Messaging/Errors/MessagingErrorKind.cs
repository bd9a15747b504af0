namespace HarmonyLite.Engine.Messaging;

/// <summary>What kind of NATS failure a <see cref="MessagingException"/> is; also the label errors are counted by.</summary>
public enum MessagingErrorKind
{
    /// <summary>No server answered: unreachable, connection lost, a request timed out, JetStream not available.</summary>
    Unavailable,

    /// <summary>The server refused who we are: credentials or the TLS handshake.</summary>
    AuthenticationRefused,

    /// <summary>The <c>[nats]</c> settings cannot be used as given: a file that cannot be read, a malformed seed.</summary>
    InvalidSettings,

    /// <summary>A message is larger than the server accepts (its <c>max_payload</c>).</summary>
    PayloadTooLarge,

    /// <summary>JetStream answered with an error: a limit, a missing stream or consumer, a conflicting setting.</summary>
    Refused,

    /// <summary>A stored object (a snapshot) does not match its digest or chunk count.</summary>
    Damaged,
}
