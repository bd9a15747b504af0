namespace HarmonyLite.Nats.JetStream;

/// <summary>What a pull feed read: a message, or an interruption its owner must handle.</summary>
internal readonly record struct PullFeedItem(JetStreamMsg? Message, PullInterruption Interruption)
{
    public static PullFeedItem Of(JetStreamMsg message) => new(message, default);

    public static PullFeedItem Interrupted(PullInterruption interruption) => new(null, interruption);
}
