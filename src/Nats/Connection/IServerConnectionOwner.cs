namespace HarmonyLite.Nats.Connection;

/// <summary>What a <see cref="ServerConnection"/> reports to the connection that owns it, from its reader loop.</summary>
internal interface IServerConnectionOwner
{
    void OnMessage(ServerConnection source, string subject, long sid, string? replyTo, NatsHeaders? headers, ReadOnlyMemory<byte> payload);

    /// <summary>An INFO the server sent after the handshake (cluster topology changes, lame duck mode).</summary>
    void OnInfo(ServerConnection source, NatsServerInfo info);

    /// <summary>A -ERR that does not end the connection, e.g. a permissions violation.</summary>
    void OnServerError(ServerConnection source, string message);

    /// <summary>The connection is dead (read/write error, EOF, stale, protocol error). Called at most once, only after Attach, never after CloseAsync.</summary>
    void OnFailed(ServerConnection source, Exception error);
}
