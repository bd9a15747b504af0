using System.Runtime.CompilerServices;
using HarmonyLite.Engine.Messaging.Internal;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace HarmonyLite.Engine.Messaging;

/// <summary>
/// One shard stream delivered to this node from a position on (<see cref="ReplicationLog.OpenFeedAsync"/>), in stream
/// order, through a durable pull consumer that survives reconnects and server restarts.
/// </summary>
public sealed class ShardFeed
{
    private static readonly NatsJSConsumeOpts ConsumeOptions = new()
    {
        MaxMsgs = ReplicationLog.MaxInFlight,
        IdleHeartbeat = TimeSpan.FromSeconds(5),
    };

    private readonly INatsJSConsumer _consumer;
    private readonly MessagingConnection _connection;

    internal ShardFeed(INatsJSConsumer consumer, string stream, ulong start, MessagingConnection connection)
    {
        _consumer = consumer;
        _connection = connection;
        Stream = stream;
        Start = start;
    }

    public string Stream { get; }

    /// <summary>The sequence the feed was opened at: the first message it delivers is the stream's first at or after it.</summary>
    public ulong Start { get; }

    /// <summary>
    /// The messages, as they come, until <paramref name="cancellationToken"/> is cancelled. Ends with a
    /// <see cref="MessagingException"/> when the consumer is deleted or JetStream fails it; open a new feed then.
    /// </summary>
    public async IAsyncEnumerable<ReplicationMessage> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var messages = _consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, ConsumeOptions, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                INatsJSMsg<byte[]> message;
                try
                {
                    if (!await messages.MoveNextAsync().ConfigureAwait(false)) yield break;
                    message = messages.Current;
                }
                catch (Exception ex) when (NatsErrors.IsNats(ex) && !cancellationToken.IsCancellationRequested)
                {
                    throw _connection.Failure(ex, $"Consuming {Stream}");
                }
                _connection.Statistics.Received();
                yield return new ReplicationMessage(message, _connection);
            }
        }
        finally
        {
            await messages.DisposeAsync().ConfigureAwait(false);
        }
    }
}
