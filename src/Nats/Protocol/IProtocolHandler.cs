namespace HarmonyLite.Nats.Protocol;

/// <summary>Receives the operations <see cref="ProtocolParser"/> decodes from the server's byte stream, in order.</summary>
internal interface IProtocolHandler
{
    void OnInfo(string json);
    void OnMessage(string subject, long sid, string? replyTo, NatsHeaders? headers, ReadOnlyMemory<byte> payload);
    void OnPing();
    void OnPong();
    void OnOk();
    void OnError(string message);
}
