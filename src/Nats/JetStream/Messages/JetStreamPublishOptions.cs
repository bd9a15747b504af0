namespace HarmonyLite.Nats.JetStream;

/// <summary>De-duplication, optimistic-concurrency expectations and retries of one JetStream publish.</summary>
public sealed record JetStreamPublishOptions
{
    /// <summary>Sent as <c>Nats-Msg-Id</c>: the stream stores a message with a given id once per duplicate window.</summary>
    public string? MsgId { get; init; }

    /// <summary>The publish fails unless the subject is stored by this stream.</summary>
    public string? ExpectedStream { get; init; }

    /// <summary>The publish fails unless the stream's last sequence is this one.</summary>
    public ulong? ExpectedLastSequence { get; init; }

    /// <summary>The publish fails unless the last message on this subject has this sequence (0: no message yet).</summary>
    public ulong? ExpectedLastSubjectSequence { get; init; }

    /// <summary>The publish fails unless the stream's last message had this <c>Nats-Msg-Id</c>.</summary>
    public string? ExpectedLastMsgId { get; init; }

    /// <summary>How long to wait for the ack; null uses the JetStream context's request timeout.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// Extra attempts when no stream answered (a leader election in progress looks like that), and, when
    /// <see cref="MsgId"/> is set, also when the ack did not arrive or the connection dropped: the server
    /// de-duplicates the retry, so the message is stored once.
    /// </summary>
    public int RetryAttempts { get; init; } = 2;

    /// <summary>Pause between attempts.</summary>
    public TimeSpan RetryWait { get; init; } = TimeSpan.FromMilliseconds(250);
}
