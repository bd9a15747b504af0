namespace HarmonyLite.Engine.Messaging;

/// <summary>The NATS server refused the client: its credentials (user/password, token, nkey) or its TLS handshake.</summary>
public sealed class MessagingAuthenticationException : MessagingException
{
    public MessagingAuthenticationException(string server, string message, Exception? inner = null)
        : base(MessagingErrorKind.AuthenticationRefused, message, inner)
    {
        Server = server;
    }

    /// <summary>The server that refused (its URL, without credentials).</summary>
    public string Server { get; }
}
