using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Messaging.Internal;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace HarmonyLite.Engine.Messaging;

/// <summary>
/// The shard streams changes travel on (<see cref="ReplicationTopology"/>): ensures them, publishes batches, reads
/// what a stream holds, and hands out a feed of one shard from a position for this node to apply.
/// </summary>
public sealed class ReplicationLog
{
    /// <summary>Messages a feed may have delivered and not yet acknowledged; bounds what waits in memory.</summary>
    public const int MaxInFlight = 256;

    private readonly MessagingConnection _connection;
    private readonly ShardStreams _streams;

    internal ReplicationLog(MessagingConnection connection, ReplicationTopology topology, ReplicationLogConfig log, ILogger logger)
    {
        _connection = connection;
        Topology = topology;
        _streams = new ShardStreams(connection.JetStream, topology, log, logger);
    }

    public ReplicationTopology Topology { get; }

    /// <summary>
    /// The largest message a publish may be: the connected server's <c>max_payload</c>, or, before it said, the
    /// nats-server default of 1 MiB.
    /// </summary>
    public long MaxPayload => _connection.MaxPayload ?? 1024 * 1024;

    /// <summary>
    /// Makes sure every shard stream exists (created with <c>max_entries</c> and <c>replicas</c>, clamped to what the
    /// cluster holds; an existing one that differs is updated or the difference logged) and returns what each holds.
    /// A forming cluster that leaves the requests unanswered is asked again for up to a minute.
    /// </summary>
    /// <exception cref="MessagingException">JetStream refused or never answered.</exception>
    public async Task<IReadOnlyList<StreamRange>> EnsureStreamsAsync(CancellationToken cancellationToken)
    {
        var ranges = new List<StreamRange>();
        foreach (var shard in Topology.ShardNumbers)
        {
            try
            {
                ranges.Add(Range(await _streams.EnsureAsync(shard, cancellationToken).ConfigureAwait(false)));
            }
            catch (Exception ex) when (NatsErrors.IsNats(ex))
            {
                throw _connection.Failure(ex, $"Setting up stream {Topology.StreamName(shard)}");
            }
        }
        return ranges;
    }

    /// <summary>
    /// Publishes one batch to the stream of <paramref name="shard"/> with <paramref name="batchId"/> as its
    /// <c>Nats-Msg-Id</c> and waits for JetStream's acknowledgement. A batch JetStream already holds (a retried
    /// publish) is no error: the receipt says <see cref="PublishReceipt.Duplicate"/>.
    /// </summary>
    /// <exception cref="MessagePayloadTooLargeException">The batch is larger than the server's max_payload.</exception>
    /// <exception cref="MessagingException">Not stored: no answer, or refused.</exception>
    public async Task<PublishReceipt> PublishAsync(int shard, string batchId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var subject = Topology.SubjectName(shard);
        var stream = Topology.StreamName(shard);
        PubAckResponse ack;
        try
        {
            ack = await _connection.JetStream.PublishAsync(subject, payload, NatsRawSerializer<ReadOnlyMemory<byte>>.Default,
                new NatsJSPubOpts { MsgId = batchId, ExpectedStream = stream }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NatsPayloadTooLargeException ex)
        {
            throw _connection.Statistics.Failed(new MessagePayloadTooLargeException(subject, payload.Length, _connection.MaxPayload,
                $"Publishing {payload.Length} bytes to {subject} was refused: {ex.Message}.", ex));
        }
        catch (Exception ex) when (NatsErrors.IsNats(ex))
        {
            throw _connection.Failure(ex, $"Publishing to {subject}");
        }
        if (ack.Error is { } error)
            throw _connection.Failure(new NatsJSApiException(error), $"Publishing to {subject}");
        _connection.Statistics.Published();
        return new PublishReceipt(ack.Stream ?? stream, ack.Seq, ack.Duplicate);
    }

    /// <summary>What <paramref name="stream"/> holds now; an empty range when it does not exist yet.</summary>
    /// <exception cref="MessagingException">JetStream did not answer, or refused.</exception>
    public async Task<StreamRange> ReadRangeAsync(string stream, CancellationToken cancellationToken)
    {
        try
        {
            return Range((await _connection.JetStream.GetStreamAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false)).Info);
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == JetStreamErrorCodes.StreamNotFound)
        {
            return StreamRange.Empty(stream);
        }
        catch (Exception ex) when (NatsErrors.IsNats(ex))
        {
            throw _connection.Failure(ex, $"Reading stream {stream}");
        }
    }

    /// <summary>What every shard stream holds now, in shard order.</summary>
    /// <exception cref="MessagingException">JetStream did not answer, or refused.</exception>
    public async Task<IReadOnlyList<StreamRange>> ReadRangesAsync(CancellationToken cancellationToken)
    {
        var ranges = new List<StreamRange>();
        foreach (var stream in Topology.StreamNames) ranges.Add(await ReadRangeAsync(stream, cancellationToken).ConfigureAwait(false));
        return ranges;
    }

    /// <summary>
    /// A feed of <paramref name="stream"/> from sequence <paramref name="next"/> on, through the durable consumer
    /// <paramref name="consumerName"/>, which is created anew at that position (whatever it acknowledged before:
    /// the position the caller keeps is the truth). Messages are acknowledged one by one.
    /// </summary>
    /// <exception cref="MessagingException">The consumer could not be created.</exception>
    public async Task<ShardFeed> OpenFeedAsync(string stream, string consumerName, ulong next, string description, CancellationToken cancellationToken)
    {
        var what = $"Creating consumer {consumerName} of {stream}";
        try
        {
            try { await _connection.JetStream.DeleteConsumerAsync(stream, consumerName, cancellationToken).ConfigureAwait(false); }
            catch (NatsJSApiException ex) when (ex.Error.ErrCode == JetStreamErrorCodes.ConsumerNotFound) { }
            var config = new ConsumerConfig(consumerName)
            {
                Description = description,
                DeliverPolicy = next <= 1 ? ConsumerConfigDeliverPolicy.All : ConsumerConfigDeliverPolicy.ByStartSequence,
                OptStartSeq = next <= 1 ? 0 : next,
                AckPolicy = ConsumerConfigAckPolicy.Explicit,
                AckWait = TimeSpan.FromSeconds(60),
                MaxDeliver = -1,
                MaxAckPending = MaxInFlight,
            };
            var consumer = await _connection.JetStream.CreateOrUpdateConsumerAsync(stream, config, cancellationToken).ConfigureAwait(false);
            return new ShardFeed(consumer, stream, next, _connection);
        }
        catch (Exception ex) when (NatsErrors.IsNats(ex))
        {
            throw _connection.Failure(ex, what);
        }
    }

    private static StreamRange Range(StreamInfo info) =>
        new(info.Config.Name ?? "", info.State.FirstSeq, info.State.LastSeq, info.State.Messages, info.State.Bytes);
}
