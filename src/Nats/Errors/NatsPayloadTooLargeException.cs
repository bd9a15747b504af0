namespace HarmonyLite.Nats;

/// <summary>A message is larger than the server's max_payload; it was not sent.</summary>
public sealed class NatsPayloadTooLargeException : NatsException
{
    public NatsPayloadTooLargeException(string subject, long size, long maxPayload)
        : base($"The message for subject '{subject}' is {size} bytes (headers included) but the server accepts at most {maxPayload} bytes (max_payload). Split the data or raise max_payload in the server configuration.")
    {
        Subject = subject;
        Size = size;
        MaxPayload = maxPayload;
    }

    public string Subject { get; }
    public long Size { get; }
    public long MaxPayload { get; }
}
