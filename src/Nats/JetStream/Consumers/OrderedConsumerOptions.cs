namespace HarmonyLite.Nats.JetStream;

/// <summary>What an ordered consumer reads: a subject filter of a stream from a starting point.</summary>
internal sealed record OrderedConsumerOptions
{
    public required string Stream { get; init; }
    public required string FilterSubject { get; init; }
    public DeliverPolicy DeliverPolicy { get; init; } = DeliverPolicy.All;
    public ulong? OptStartSequence { get; init; }
    public bool HeadersOnly { get; init; }
    /// <summary>Messages kept asked for; lower it for large messages (object chunks).</summary>
    public int MaxMessages { get; init; } = 256;
    public TimeSpan Expires { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan IdleHeartbeat { get; init; } = TimeSpan.FromSeconds(5);
}
