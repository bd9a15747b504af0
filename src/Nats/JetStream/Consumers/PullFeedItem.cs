namespace HarmonyLite.Nats.JetStream;

/// <summary>
/// What a pull feed read: a message, an interruption its owner must handle, or neither (an idle
/// heartbeat: the server has nothing to deliver right now).
/// </summary>
internal readonly record struct PullFeedItem(JetStreamMsg? Message, PullInterruption? Interruption)
{
    public static PullFeedItem Idle => default;

    public static PullFeedItem Of(JetStreamMsg message) => new(message, null);

    public static PullFeedItem Interrupted(PullInterruption interruption) => new(null, interruption);
}
