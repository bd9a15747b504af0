using NATS.Client.JetStream;

namespace HarmonyLite.Engine.Messaging;

/// <summary>
/// One message of a shard stream delivered to this node: acknowledge it once applied (<see cref="AckAsync"/>), or say
/// it is still being worked on (<see cref="InProgressAsync"/>) so it is not delivered again meanwhile.
/// </summary>
public sealed class ReplicationMessage
{
    private readonly INatsJSMsg<byte[]> _message;
    private readonly MessagingConnection _connection;

    internal ReplicationMessage(INatsJSMsg<byte[]> message, MessagingConnection connection)
    {
        _message = message;
        _connection = connection;
        Stream = message.Metadata?.Stream ?? "";
        Sequence = message.Metadata?.Sequence.Stream ?? 0;
        BatchId = message.Headers?.TryGetValue("Nats-Msg-Id", out var id) == true ? id.ToString() : null;
    }

    public string Stream { get; }

    /// <summary>The message's position in its stream.</summary>
    public ulong Sequence { get; }

    /// <summary>The id it was published with (<c>Nats-Msg-Id</c>): the batch id.</summary>
    public string? BatchId { get; }

    public ReadOnlyMemory<byte> Data => _message.Data ?? [];

    /// <exception cref="MessagingException">The acknowledgement could not be sent.</exception>
    public async Task AckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _message.AckAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NATS.Client.Core.NatsException)
        {
            throw _connection.Failure(ex, $"Acknowledging {Stream} #{Sequence}");
        }
    }

    /// <summary>Resets the message's redelivery timer: it is being worked on.</summary>
    /// <exception cref="MessagingException">The notice could not be sent.</exception>
    public async Task InProgressAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _message.AckProgressAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NATS.Client.Core.NatsException)
        {
            throw _connection.Failure(ex, $"Marking {Stream} #{Sequence} in progress");
        }
    }
}
